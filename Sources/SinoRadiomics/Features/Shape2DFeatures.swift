// Shape2DFeatures: PyRadiomics 3.0.1's 2-D shape class (radiomics/shape2D.py) and its C core
// (radiomics/src/cshape.c:calculate_coefficients2D, calculate_meshDiameter2D). The marching-squares
// line table, corner order and edge midpoints below are PyRadiomics' (BSD licence, Copyright 2017
// Harvard Medical School; the full notice is in ShapeFeatures.swift).

import Foundation

/// PyRadiomics' 2-D shape features (`radiomics.shape2D.RadiomicsShape2D`): mesh surface and
/// perimeter from marching squares (edge midpoints), the maximum diameter over the mesh
/// vertices, and principal axes of the pixel centres.
///
/// Runs on a 2-D image (`box.dimension == 2`: one slice, the (y, x) spacing) or on a 3-D box with
/// `settings.force2D`, whose axis `settings.force2Ddimension` (array order) must have extent 1;
/// that axis is dropped, the other two keep their spacing.
public enum Shape2DFeatures: RadiomicsFeatureClass {
    public static let kind = FeatureClassKind.shape2D

    /// PyRadiomics' "all features" order (sorted method names, deprecated ones left out).
    public static let featureNames = [
        "Elongation", "MajorAxisLength", "MaximumDiameter", "MeshSurface", "MinorAxisLength", "Perimeter", "PerimeterSurfaceRatio",
        "PixelSurface", "Sphericity"
    ]

    /// Deprecated in PyRadiomics but computed (with a warning) when named.
    public static let deprecatedNames = ["SphericalDisproportion"]

    /// The values of `names` on `box`, as `RadiomicsShape2D(...).execute()` gives them. Throws
    /// `RadiomicsError(.settings)` where PyRadiomics' class raises ValueError: a 3-D box without
    /// `force2D`, a `force2Ddimension` outside 0–2, or an extent above 1 along it.
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        for name in names where !featureNames.contains(name) && !deprecatedNames.contains(name) {
            throw RadiomicsError(.parameters, file: "", "shape2D has no feature \(name)")
        }
        let plane = try planeAxes(box, settings: settings)
        let ny = box.shape[plane.0]
        let nx = box.shape[plane.1]
        let sy = box.spacing[plane.0]
        let sx = box.spacing[plane.1]
        // The box's mask, in (y, x) order, as the squeezed 2-D array (x fastest).
        var mask = [Bool](repeating: false, count: ny * nx)
        let strides = [box.shape[1] * box.shape[2], box.shape[2], 1]
        for y in 0..<ny {
            for x in 0..<nx where box.mask[y * strides[plane.0] + x * strides[plane.1]] {
                mask[y * nx + x] = true
            }
        }
        let meshNames: Set = ["MeshSurface", "Perimeter", "PerimeterSurfaceRatio", "Sphericity", "SphericalDisproportion", "MaximumDiameter"]
        let axisNames: Set = ["MajorAxisLength", "MinorAxisLength", "Elongation"]
        var mesh = (perimeter: 0.0, surface: 0.0, diameter: 0.0)
        if names.contains(where: { meshNames.contains($0) }) {
            mesh = marchingSquares(mask, ny: ny, nx: nx, sy: sy, sx: sx, diameter: names.contains("MaximumDiameter"))
        }
        var eigen = [0.0, 0.0]
        let count = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
        if names.contains(where: { axisNames.contains($0) }) {
            eigen = ShapeGeometry.eigenvalues(mask: mask, shape: [1, ny, nx], spacing: [1, sy, sx], axes: [1, 2])
        }
        let p = mesh.perimeter
        let a = mesh.surface
        let sphericity = (2 * (Double.pi * a).squareRoot()) / p
        return names.map { name -> Double in
            switch name {
            case "MeshSurface": return a
            case "PixelSurface": return Double(count) * (sx * sy)
            case "Perimeter": return p
            case "PerimeterSurfaceRatio": return p / a
            case "Sphericity": return sphericity
            case "SphericalDisproportion": return 1.0 / sphericity
            case "MaximumDiameter": return mesh.diameter
            case "MajorAxisLength": return eigen[1] < 0 ? .nan : eigen[1].squareRoot() * 4
            case "MinorAxisLength": return eigen[0] < 0 ? .nan : eigen[0].squareRoot() * 4
            case "Elongation": return eigen[0] < 0 || eigen[1] < 0 ? .nan : (eigen[0] / eigen[1]).squareRoot()
            default: return .nan
            }
        }
    }

    /// The two array axes (z = 0, y = 1, x = 2) that make the plane, checked as
    /// `RadiomicsShape2D._initSegmentBasedCalculation` checks them.
    static func planeAxes(_ box: ROIBox, settings: RadiomicsSettings) throws -> (Int, Int) {
        if box.dimension == 2 { return (1, 2) }
        guard settings.force2D else {
            throw RadiomicsError(.settings, file: "", "Shape2D can only be calculated when input is 2D or 3D with `force2D=True`")
        }
        let dropped = settings.force2Ddimension
        guard (0...2).contains(dropped) else {
            throw RadiomicsError(.settings, file: "", "force2Ddimension must be 0, 1 or 2 (array order z, y, x), not \(dropped)")
        }
        guard box.shape[dropped] == 1 else {
            throw RadiomicsError(
                .settings, file: "",
                "Size of the mask in dimension \(dropped) is more than 1 (\(box.shape[dropped])), cannot compute 2D shape")
        }
        let kept = [0, 1, 2].filter { $0 != dropped }
        return (kept[0], kept[1])
    }

    /// `cshape.c:calculate_coefficients2D` on the mask padded by one pixel: marching squares,
    /// summing the signed triangle areas (origin, a, b) and segment lengths in cshape.c's order
    /// and arithmetic; the vertices (one per grid edge whose pixels differ) go to
    /// `ShapeGeometry.diameter2D` when `diameter` is set.
    static func marchingSquares(
        _ mask: [Bool], ny: Int, nx: Int, sy: Double, sx: Double, diameter: Bool
    ) -> (perimeter: Double, surface: Double, diameter: Double) {
        let (py, px) = (ny + 2, nx + 2)
        var padded = [UInt8](repeating: 0, count: py * px)
        for y in 0..<ny {
            for x in 0..<nx where mask[y * nx + x] { padded[(y + 1) * px + x + 1] = 1 }
        }
        var perimeter = 0.0
        var surface = 0.0
        var ky = [Int32]()
        var kx = [Int32]()
        padded.withUnsafeBufferPointer { m in
            for iy in 0..<(py - 1) {
                for ix in 0..<(px - 1) {
                    let base = iy * px + ix
                    // Corners p0 (0, 0), p1 (0, 1), p2 (1, 1), p3 (1, 0).
                    var square = Int(m[base]) | Int(m[base + 1]) << 1 | Int(m[base + px + 1]) << 2 | Int(m[base + px]) << 3
                    if square == 0 || square == 15 { continue }
                    let fy = Double(iy)
                    let fx = Double(ix)
                    var t = square * 4
                    let end = t + 4
                    while t < end && lineTable[t] >= 0 {
                        let ea = Int(lineTable[t]) * 2
                        let eb = Int(lineTable[t + 1]) * 2
                        let a0 = (fy + edgeMidpoints[ea]) * sy
                        let a1 = (fx + edgeMidpoints[ea + 1]) * sx
                        let b0 = (fy + edgeMidpoints[eb]) * sy
                        let b1 = (fx + edgeMidpoints[eb + 1]) * sx
                        surface += (a0 * b1) - (b0 * a1)
                        let d0 = a0 - b0
                        let d1 = a1 - b1
                        perimeter += (d0 * d0 + d1 * d1).squareRoot()
                        t += 2
                    }
                    if diameter {
                        // With p3 outside (complement if not), edges 3 (p0–p3) and 2 (p3–p2) carry a
                        // vertex where p0 and p2 are inside.
                        if square > 7 { square ^= 0xF }
                        if square & 1 != 0 {
                            ky.append(Int32(2 * iy + 1))
                            kx.append(Int32(2 * ix))
                        }
                        if square & 4 != 0 {
                            ky.append(Int32(2 * iy + 2))
                            kx.append(Int32(2 * ix + 1))
                        }
                    }
                }
            }
        }
        let d = diameter ? ShapeGeometry.diameter2D(ky: ky, kx: kx, spacing: [sy, sx]) : 0
        return (perimeter, surface / 2, d)
    }

    /// Edge midpoints (y, x offsets) of edges 0–3, cshape.c's `vertList2D`, row-major.
    static let edgeMidpoints: [Double] = [0, 0.5, 0.5, 1, 1, 0.5, 0.5, 0]

    /// cshape.c's `lineTable2D`: for square indices 0–15, up to two segments as edge-number
    /// pairs, -1 terminated (4 entries a row).
    static let lineTable: [Int8] = [
        -1, -1, -1, -1, 3, 0, -1, -1, 0, 1, -1, -1, 3, 1, -1, -1,
        1, 2, -1, -1, 1, 2, 3, 0, 0, 2, -1, -1, 3, 2, -1, -1,
        2, 3, -1, -1, 2, 0, -1, -1, 0, 1, 2, 3, 2, 1, -1, -1,
        1, 3, -1, -1, 1, 0, -1, -1, 0, 3, -1, -1, -1, -1, -1, -1
    ]
}

// ShapeFeatures: PyRadiomics 3.0.1's 3-D shape class (radiomics/shape.py) and its C core
// (radiomics/src/cshape.c:calculate_coefficients, calculate_meshDiameter).
//
// The marching-cubes look-up table `triangleTable` below (128 rows: triangles as triples of edge
// numbers, -1 terminated), the corner order and the edge midpoints are PyRadiomics' own
// (radiomics/src/cshape.c, taken from the compiled 3.0.1 module); they are used under its licence:
//
// Copyright 2017 Harvard Medical School
//
// Redistribution and use in source and binary forms, with or without modification, are permitted provided that the
// following conditions are met:
//
// 1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following
// disclaimer.
//
// 2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following
// disclaimer in the documentation and/or other materials provided with the distribution.
//
// 3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products
// derived from this software without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES,
// INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
// DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
// SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
// SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY,
// WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF
// THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

import Foundation

/// PyRadiomics' 3-D shape features (`radiomics.shape.RadiomicsShape`): mesh volume and surface
/// from marching cubes over the ROI (edge midpoints, PyRadiomics' 128-row table), maximum
/// diameters over the mesh vertices, and principal axes of the voxel centres.
///
/// Works on the box `RadiomicsFeatureExtractor.computeShape` hands the class: image and mask
/// cropped to the ROI's bounding box with no padding (the class pads the mask by one voxel
/// itself). Direction and origin play no part: a point is (array index) ⊙ spacing.
public enum ShapeFeatures: RadiomicsFeatureClass {
    public static let kind = FeatureClassKind.shape

    /// PyRadiomics' "all features" order (sorted method names, deprecated ones left out).
    public static let featureNames = [
        "Elongation", "Flatness", "LeastAxisLength", "MajorAxisLength", "Maximum2DDiameterColumn", "Maximum2DDiameterRow",
        "Maximum2DDiameterSlice", "Maximum3DDiameter", "MeshVolume", "MinorAxisLength", "Sphericity", "SurfaceArea",
        "SurfaceVolumeRatio", "VoxelVolume"
    ]

    /// Deprecated in PyRadiomics but computed (with a warning) when named.
    public static let deprecatedNames = ["Compactness1", "Compactness2", "SphericalDisproportion"]

    /// The values of `names` on `box`, as `RadiomicsShape(...).execute()` gives them. Throws
    /// `RadiomicsError(.settings)` for a 2-D image (PyRadiomics' class asserts a 3-D mask; its
    /// extractor skips shape for 2-D input with a warning) and `.parameters` for an unknown name.
    public static func compute(_ box: ROIBox, settings: RadiomicsSettings, names: [String]) throws -> [Double] {
        guard box.dimension == 3 else {
            throw RadiomicsError(.settings, file: "", "Shape features are only available in 3D. If 2D, use shape2D instead")
        }
        for name in names where !featureNames.contains(name) && !deprecatedNames.contains(name) {
            throw RadiomicsError(.parameters, file: "", "shape has no feature \(name)")
        }
        let meshNames: Set = [
            "MeshVolume", "SurfaceArea", "SurfaceVolumeRatio", "Sphericity", "Compactness1", "Compactness2", "SphericalDisproportion"
        ]
        let diameterNames: Set = ["Maximum3DDiameter", "Maximum2DDiameterSlice", "Maximum2DDiameterColumn", "Maximum2DDiameterRow"]
        let axisNames: Set = ["MajorAxisLength", "MinorAxisLength", "LeastAxisLength", "Elongation", "Flatness"]
        let needsDiameters = names.contains { diameterNames.contains($0) }
        var mesh = MeshMeasures(surfaceArea: 0, volume: 0, diameters: [0, 0, 0, 0])
        if needsDiameters || names.contains(where: { meshNames.contains($0) }) {
            mesh = marchingCubes(box, diameters: needsDiameters)
        }
        let eigen = names.contains { axisNames.contains($0) } ? principalEigenvalues(box) : [0, 0, 0]
        let v = mesh.volume
        let a = mesh.surfaceArea
        let s = box.spacing
        return names.map { name -> Double in
            switch name {
            case "MeshVolume": return v
            case "VoxelVolume": return Double(box.roiCount) * (s[0] * s[2] * s[1])
            case "SurfaceArea": return a
            case "SurfaceVolumeRatio": return a / v
            case "Sphericity": return pow(36 * Double.pi * pow(v, 2), 1.0 / 3.0) / a
            case "Compactness1": return v / (pow(a, 3.0 / 2.0) * Double.pi.squareRoot())
            case "Compactness2": return (36.0 * Double.pi) * pow(v, 2.0) / pow(a, 3.0)
            case "SphericalDisproportion": return a / pow(36 * Double.pi * pow(v, 2), 1.0 / 3.0)
            case "Maximum3DDiameter": return mesh.diameters[3]
            case "Maximum2DDiameterSlice": return mesh.diameters[0]
            case "Maximum2DDiameterColumn": return mesh.diameters[1]
            case "Maximum2DDiameterRow": return mesh.diameters[2]
            case "MajorAxisLength": return eigen[2] < 0 ? .nan : eigen[2].squareRoot() * 4
            case "MinorAxisLength": return eigen[1] < 0 ? .nan : eigen[1].squareRoot() * 4
            case "LeastAxisLength": return eigen[0] < 0 ? .nan : eigen[0].squareRoot() * 4
            case "Elongation": return eigen[1] < 0 || eigen[2] < 0 ? .nan : (eigen[1] / eigen[2]).squareRoot()
            case "Flatness": return eigen[0] < 0 || eigen[2] < 0 ? .nan : (eigen[0] / eigen[2]).squareRoot()
            default: return .nan
            }
        }
    }

    /// Surface area (mm²), volume (mm³) and diameters (slice, column, row, 3-D; mm) of the mesh.
    struct MeshMeasures {
        var surfaceArea: Double
        var volume: Double
        var diameters: [Double]
    }

    /// `cshape.c:calculate_coefficients` on the box's mask padded by one voxel: one pass of
    /// marching cubes, summing triangle areas and signed tetrahedron volumes in cshape.c's order
    /// and arithmetic, and (if `diameters`) collecting the mesh vertices, one per grid edge whose
    /// two voxels differ, for `ShapeGeometry.diameters3D`.
    static func marchingCubes(_ box: ROIBox, diameters: Bool) -> MeshMeasures {
        let (nz, ny, nx) = (box.shape[0], box.shape[1], box.shape[2])
        let (pz, py, px) = (nz + 2, ny + 2, nx + 2)
        var padded = [UInt8](repeating: 0, count: pz * py * px)
        box.mask.withUnsafeBufferPointer { m in
            for z in 0..<nz {
                for y in 0..<ny {
                    let src = (z * ny + y) * nx
                    let dst = ((z + 1) * py + y + 1) * px + 1
                    for x in 0..<nx where m[src + x] { padded[dst + x] = 1 }
                }
            }
        }
        let sz = box.spacing[0]
        let sy = box.spacing[1]
        let sx = box.spacing[2]
        let plane = py * px
        // The four voxels of a cube face of constant x, as bits: (z, y), (z, y+1), (z+1, y), (z+1, y+1).
        // A cube is its face at x and at x+1; `cubeIndex` maps the pair to cshape.c's corner bits
        // (gridAngles order (0,0,0) (0,0,1) (0,1,1) (0,1,0) (1,0,0) (1,0,1) (1,1,1) (1,1,0)).
        var area = 0.0
        var volume = 0.0
        var kz = [Int32]()
        var ky = [Int32]()
        var kx = [Int32]()
        padded.withUnsafeBufferPointer { m in
            triangleTable.withUnsafeBufferPointer { table in
                edgeMidpoints.withUnsafeBufferPointer { mid in
                    for iz in 0..<(pz - 1) {
                        for iy in 0..<(py - 1) {
                            let base = (iz * py + iy) * px
                            @inline(__always) func face(_ x: Int) -> Int {
                                Int(m[base + x]) | Int(m[base + px + x]) << 1 | Int(m[base + plane + x]) << 2
                                    | Int(m[base + plane + px + x]) << 3
                            }
                            var next = face(0)
                            for ix in 0..<(px - 1) {
                                let here = next
                                next = face(ix + 1)
                                if (here == 0 && next == 0) || (here == 15 && next == 15) { continue }
                                var cube = Int(cubeIndex[here << 4 | next])
                                // The table covers indices below 128: complement the rest and flip the volume's sign.
                                var sign = 1.0
                                if cube & 0x80 != 0 {
                                    cube ^= 0xFF
                                    sign = -1
                                }
                                if cube == 0 { continue }
                                if diameters {
                                    // Corner 7 is outside now, so edges 6, 7 and 11 (from corner 7 to corners 6, 4
                                    // and 3) carry a vertex where those corners are inside.
                                    if cube & 0x40 != 0 {
                                        kz.append(Int32(2 * iz + 2))
                                        ky.append(Int32(2 * iy + 2))
                                        kx.append(Int32(2 * ix + 1))
                                    }
                                    if cube & 0x10 != 0 {
                                        kz.append(Int32(2 * iz + 2))
                                        ky.append(Int32(2 * iy + 1))
                                        kx.append(Int32(2 * ix))
                                    }
                                    if cube & 0x08 != 0 {
                                        kz.append(Int32(2 * iz + 1))
                                        ky.append(Int32(2 * iy + 2))
                                        kx.append(Int32(2 * ix))
                                    }
                                }
                                let fz = Double(iz)
                                let fy = Double(iy)
                                let fx = Double(ix)
                                var t = cube * 16
                                let end = t + 15
                                while t < end && table[t] >= 0 {
                                    let ea = Int(table[t]) * 3
                                    let eb = Int(table[t + 1]) * 3
                                    let ec = Int(table[t + 2]) * 3
                                    let a0 = (fz + mid[ea]) * sz
                                    let a1 = (fy + mid[ea + 1]) * sy
                                    let a2 = (fx + mid[ea + 2]) * sx
                                    let b0 = (fz + mid[eb]) * sz
                                    let b1 = (fy + mid[eb + 1]) * sy
                                    let b2 = (fx + mid[eb + 2]) * sx
                                    let c0 = (fz + mid[ec]) * sz
                                    let c1 = (fy + mid[ec + 1]) * sy
                                    let c2 = (fx + mid[ec + 2]) * sx
                                    // Signed volume: (a × b) · c; divided by 6 at the end.
                                    var x0 = a1 * b2 - b1 * a2
                                    var x1 = a2 * b0 - b2 * a0
                                    var x2 = a0 * b1 - b0 * a1
                                    volume += sign * (x0 * c0 + x1 * c1 + x2 * c2)
                                    // Area: ½ |(a − c) × (b − c)|.
                                    let u0 = a0 - c0
                                    let u1 = a1 - c1
                                    let u2 = a2 - c2
                                    let w0 = b0 - c0
                                    let w1 = b1 - c1
                                    let w2 = b2 - c2
                                    x0 = u1 * w2 - w1 * u2
                                    x1 = u2 * w0 - w2 * u0
                                    x2 = u0 * w1 - w0 * u1
                                    area += 0.5 * (x0 * x0 + x1 * x1 + x2 * x2).squareRoot()
                                    t += 3
                                }
                            }
                        }
                    }
                }
            }
        }
        let d = diameters ? ShapeGeometry.diameters3D(kz: kz, ky: ky, kx: kx, spacing: box.spacing) : [0, 0, 0, 0]
        return MeshMeasures(surfaceArea: area, volume: volume / 6, diameters: d)
    }

    /// Eigenvalues (ascending) of the voxel-centre covariance, from the padded array's indices
    /// as PyRadiomics takes them.
    static func principalEigenvalues(_ box: ROIBox) -> [Double] {
        ShapeGeometry.eigenvalues(mask: box.mask, shape: box.shape, spacing: box.spacing, axes: [0, 1, 2])
    }

    /// cshape.c's cube index from the cube's faces (bits as in `marchingCubes`) at x (high
    /// nibble) and x + 1 (low nibble).
    static let cubeIndex: [UInt8] = (0..<256).map { pair in
        let (first, second) = (pair >> 4, pair & 15)
        // Face bits (z, y), (z, y+1), (z+1, y), (z+1, y+1) are corners 0, 3, 4, 7 at x and 1, 2, 5, 6 at x + 1.
        let atX = (first & 1) | (first >> 1 & 1) << 3 | (first >> 2 & 1) << 4 | (first >> 3 & 1) << 7
        let atX1 = (second & 1) << 1 | (second >> 1 & 1) << 2 | (second >> 2 & 1) << 5 | (second >> 3 & 1) << 6
        return UInt8(atX | atX1)
    }

    /// Edge midpoints (z, y, x offsets from the cube's first corner) of edges 0–11, cshape.c's
    /// `vertList`, row-major.
    static let edgeMidpoints: [Double] = [
        0, 0, 0.5, 0, 0.5, 1, 0, 1, 0.5, 0, 0.5, 0,
        1, 0, 0.5, 1, 0.5, 1, 1, 1, 0.5, 1, 0.5, 0,
        0.5, 0, 0, 0.5, 0, 1, 0.5, 1, 1, 0.5, 1, 0
    ]

    /// cshape.c's `triTable`: for cube indices 0–127, up to five triangles as edge-number
    /// triples, -1 terminated (16 entries a row, row-major).
    static let triangleTable: [Int8] = [
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 8, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 8, 3, 1, 9, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 2, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 8, 3, 1, 2, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        9, 2, 10, 0, 2, 9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        2, 8, 3, 2, 10, 8, 10, 9, 8, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 0, 0, 8, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 0, 11, 2, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 1, 1, 9, 11, 9, 8, 11, -1, -1, -1, -1, -1, -1, -1,
        3, 10, 1, 11, 10, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        10, 1, 0, 0, 8, 10, 8, 11, 10, -1, -1, -1, -1, -1, -1, -1,
        9, 0, 3, 3, 11, 9, 11, 10, 9, -1, -1, -1, -1, -1, -1, -1,
        9, 8, 10, 11, 10, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        4, 7, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 4, 3, 4, 7, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 0, 4, 7, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 4, 1, 4, 7, 1, 7, 3, -1, -1, -1, -1, -1, -1, -1,
        1, 2, 10, 4, 7, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        3, 4, 7, 3, 0, 4, 1, 2, 10, -1, -1, -1, -1, -1, -1, -1,
        9, 2, 10, 9, 0, 2, 4, 7, 8, -1, -1, -1, -1, -1, -1, -1,
        2, 10, 9, 2, 9, 7, 2, 7, 3, 4, 7, 9, -1, -1, -1, -1,
        4, 7, 8, 11, 2, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        11, 4, 7, 11, 2, 4, 2, 0, 4, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 0, 4, 7, 8, 11, 2, 3, -1, -1, -1, -1, -1, -1, -1,
        4, 7, 11, 9, 4, 11, 11, 2, 9, 1, 9, 2, -1, -1, -1, -1,
        3, 10, 1, 11, 10, 3, 4, 7, 8, -1, -1, -1, -1, -1, -1, -1,
        11, 10, 1, 1, 4, 11, 1, 0, 4, 4, 7, 11, -1, -1, -1, -1,
        4, 7, 8, 9, 0, 3, 3, 11, 9, 11, 10, 9, -1, -1, -1, -1,
        4, 7, 11, 4, 11, 9, 9, 11, 10, -1, -1, -1, -1, -1, -1, -1,
        9, 5, 4, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        9, 5, 4, 0, 8, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 5, 4, 0, 1, 5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        8, 5, 4, 8, 3, 5, 3, 1, 5, -1, -1, -1, -1, -1, -1, -1,
        1, 2, 10, 9, 5, 4, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 8, 3, 1, 2, 10, 9, 5, 4, -1, -1, -1, -1, -1, -1, -1,
        2, 10, 5, 5, 4, 2, 2, 4, 0, -1, -1, -1, -1, -1, -1, -1,
        2, 10, 5, 3, 2, 5, 3, 5, 4, 8, 3, 4, -1, -1, -1, -1,
        9, 5, 4, 11, 2, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 0, 0, 8, 11, 9, 5, 4, -1, -1, -1, -1, -1, -1, -1,
        0, 5, 4, 0, 1, 5, 11, 2, 3, -1, -1, -1, -1, -1, -1, -1,
        2, 1, 5, 2, 5, 8, 11, 2, 8, 5, 4, 8, -1, -1, -1, -1,
        3, 10, 1, 11, 10, 3, 9, 5, 4, -1, -1, -1, -1, -1, -1, -1,
        5, 4, 9, 10, 1, 0, 0, 8, 10, 8, 11, 10, -1, -1, -1, -1,
        5, 4, 0, 5, 0, 11, 10, 5, 11, 11, 0, 3, -1, -1, -1, -1,
        5, 4, 8, 10, 5, 8, 11, 10, 8, -1, -1, -1, -1, -1, -1, -1,
        7, 8, 9, 5, 7, 9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        3, 0, 9, 5, 3, 9, 3, 5, 7, -1, -1, -1, -1, -1, -1, -1,
        7, 8, 0, 0, 1, 7, 7, 1, 5, -1, -1, -1, -1, -1, -1, -1,
        1, 5, 7, 1, 7, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        7, 8, 9, 5, 7, 9, 1, 2, 10, -1, -1, -1, -1, -1, -1, -1,
        1, 2, 10, 3, 0, 9, 3, 9, 5, 3, 5, 7, -1, -1, -1, -1,
        0, 2, 8, 8, 2, 5, 8, 5, 7, 2, 10, 5, -1, -1, -1, -1,
        2, 10, 5, 2, 5, 3, 3, 5, 7, -1, -1, -1, -1, -1, -1, -1,
        5, 7, 9, 7, 8, 9, 11, 2, 3, -1, -1, -1, -1, -1, -1, -1,
        5, 7, 9, 9, 7, 2, 2, 0, 9, 11, 2, 7, -1, -1, -1, -1,
        11, 2, 3, 0, 1, 8, 1, 7, 8, 1, 5, 7, -1, -1, -1, -1,
        2, 1, 11, 1, 7, 11, 1, 5, 7, -1, -1, -1, -1, -1, -1, -1,
        7, 8, 9, 5, 7, 9, 3, 10, 1, 11, 10, 3, -1, -1, -1, -1,
        5, 7, 0, 5, 0, 9, 7, 11, 0, 10, 1, 0, 11, 10, 0, -1,
        11, 10, 0, 0, 3, 11, 10, 5, 0, 0, 7, 8, 5, 7, 0, -1,
        11, 10, 5, 5, 7, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        6, 5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 8, 3, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 0, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 8, 3, 1, 9, 8, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1,
        1, 6, 5, 1, 2, 6, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        1, 6, 5, 1, 2, 6, 0, 8, 3, -1, -1, -1, -1, -1, -1, -1,
        9, 6, 5, 9, 0, 6, 0, 2, 6, -1, -1, -1, -1, -1, -1, -1,
        5, 9, 8, 5, 8, 2, 5, 2, 6, 8, 3, 2, -1, -1, -1, -1,
        11, 2, 3, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 0, 0, 8, 11, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 0, 11, 2, 3, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 1, 1, 9, 11, 9, 8, 11, 6, 5, 10, -1, -1, -1, -1,
        6, 3, 11, 6, 5, 3, 5, 1, 3, -1, -1, -1, -1, -1, -1, -1,
        0, 8, 11, 0, 11, 5, 0, 5, 1, 5, 11, 6, -1, -1, -1, -1,
        6, 3, 11, 0, 3, 6, 0, 6, 5, 0, 5, 9, -1, -1, -1, -1,
        6, 5, 9, 6, 9, 11, 11, 9, 8, -1, -1, -1, -1, -1, -1, -1,
        4, 7, 8, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 4, 3, 4, 7, 3, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 0, 4, 7, 8, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1,
        1, 9, 4, 1, 4, 7, 1, 7, 3, 6, 5, 10, -1, -1, -1, -1,
        4, 7, 8, 1, 6, 5, 1, 2, 6, -1, -1, -1, -1, -1, -1, -1,
        0, 4, 3, 4, 7, 3, 1, 6, 5, 1, 2, 6, -1, -1, -1, -1,
        4, 7, 8, 9, 6, 5, 9, 0, 6, 0, 2, 6, -1, -1, -1, -1,
        7, 3, 9, 4, 7, 9, 3, 2, 9, 5, 9, 6, 2, 6, 9, -1,
        11, 2, 3, 4, 7, 8, 6, 5, 10, -1, -1, -1, -1, -1, -1, -1,
        11, 4, 7, 11, 2, 4, 2, 0, 4, 6, 5, 10, -1, -1, -1, -1,
        1, 9, 0, 11, 2, 3, 4, 7, 8, 6, 5, 10, -1, -1, -1, -1,
        4, 7, 11, 9, 4, 11, 11, 2, 9, 1, 9, 2, 6, 5, 10, -1,
        4, 7, 8, 6, 3, 11, 6, 5, 3, 5, 1, 3, -1, -1, -1, -1,
        5, 1, 11, 5, 11, 6, 1, 0, 11, 4, 7, 11, 0, 4, 11, -1,
        4, 7, 8, 6, 3, 11, 0, 3, 6, 0, 6, 5, 0, 5, 9, -1,
        6, 5, 9, 6, 9, 11, 4, 7, 9, 7, 11, 9, -1, -1, -1, -1,
        10, 4, 9, 6, 4, 10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        10, 4, 9, 6, 4, 10, 0, 8, 3, -1, -1, -1, -1, -1, -1, -1,
        0, 1, 10, 10, 6, 0, 6, 4, 0, -1, -1, -1, -1, -1, -1, -1,
        1, 8, 3, 1, 6, 8, 8, 6, 4, 6, 1, 10, -1, -1, -1, -1,
        1, 4, 9, 1, 2, 4, 2, 6, 4, -1, -1, -1, -1, -1, -1, -1,
        1, 4, 9, 1, 2, 4, 2, 6, 4, 0, 8, 3, -1, -1, -1, -1,
        0, 2, 4, 4, 2, 6, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        8, 3, 2, 8, 2, 4, 4, 2, 6, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 3, 10, 4, 9, 6, 4, 10, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 0, 0, 8, 11, 10, 4, 9, 6, 4, 10, -1, -1, -1, -1,
        11, 2, 3, 0, 1, 10, 10, 6, 0, 6, 4, 0, -1, -1, -1, -1,
        6, 4, 1, 6, 1, 10, 1, 4, 8, 11, 2, 1, 1, 8, 11, -1,
        9, 6, 4, 3, 6, 9, 1, 3, 9, 11, 6, 3, -1, -1, -1, -1,
        1, 8, 11, 0, 8, 1, 11, 6, 1, 1, 4, 9, 6, 4, 1, -1,
        6, 3, 11, 0, 3, 6, 6, 4, 0, -1, -1, -1, -1, -1, -1, -1,
        8, 6, 4, 6, 8, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        6, 7, 10, 7, 8, 10, 8, 9, 10, -1, -1, -1, -1, -1, -1, -1,
        6, 7, 10, 0, 10, 7, 0, 9, 10, 0, 7, 3, -1, -1, -1, -1,
        6, 7, 10, 1, 10, 7, 1, 7, 8, 0, 1, 8, -1, -1, -1, -1,
        6, 7, 10, 1, 10, 7, 1, 7, 3, -1, -1, -1, -1, -1, -1, -1,
        1, 2, 6, 1, 6, 8, 1, 8, 9, 6, 7, 8, -1, -1, -1, -1,
        2, 6, 9, 1, 2, 9, 6, 7, 9, 3, 0, 9, 7, 3, 9, -1,
        0, 7, 8, 7, 0, 6, 6, 0, 2, -1, -1, -1, -1, -1, -1, -1,
        2, 7, 3, 2, 6, 7, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        11, 2, 3, 6, 7, 10, 7, 8, 10, 8, 9, 10, -1, -1, -1, -1,
        2, 0, 7, 11, 2, 7, 0, 9, 7, 6, 7, 10, 9, 10, 7, -1,
        6, 7, 10, 1, 10, 7, 1, 7, 8, 0, 1, 8, 11, 2, 3, -1,
        11, 2, 1, 1, 7, 11, 10, 6, 1, 1, 6, 7, -1, -1, -1, -1,
        8, 9, 6, 6, 7, 8, 1, 6, 9, 11, 6, 3, 1, 3, 6, -1,
        0, 9, 1, 6, 7, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 7, 8, 7, 0, 6, 0, 3, 11, 11, 6, 0, -1, -1, -1, -1,
        6, 7, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
    ]
}

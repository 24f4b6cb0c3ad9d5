import SinoData
import SinoImaging

extension RadiomicsImage {
    /// The voxel-to-world affine in `Volume`'s convention (RAS+, mm, row-major 4x4): ITK's LPS
    /// direction·spacing and origin with the first two rows negated.
    public var affine: [[Double]] {
        let sign: [Double] = [-1, -1, 1]
        var rows = [[Double]]()
        for r in 0..<3 {
            rows.append((0..<3).map { c in sign[r] * direction[3 * r + c] * spacing[c] } + [sign[r] * origin[r]])
        }
        return rows + [[0, 0, 0, 1]]
    }

    /// Writes the image as float64, atomically: NRRD (.nrrd, gzip-encoded, LPS space as
    /// SimpleITK writes it) or NIfTI-1 (.nii, .nii.gz; sform and qform from the geometry).
    /// Used for voxel-based feature maps, which PyRadiomics returns as float64 images.
    public func writeFloat64(to path: String) throws {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".nrrd") {
            func vector(_ v: [Double]) -> String { "(" + v.map { "\($0)" }.joined(separator: ",") + ")" }
            let d = dimension
            let directions = (0..<d).map { c in vector((0..<d).map { r in direction[3 * r + c] * spacing[c] }) }
            let lines = [
                "NRRD0004", "# written by SinoRad (SinoRadiomics)", "type: double", "dimension: \(d)",
                "space: " + (d == 3 ? "left-posterior-superior" : "\(d)D-right-handed"), "sizes: " + size.prefix(d).map(String.init).joined(separator: " "),
                "space directions: " + directions.joined(separator: " "), "kinds: " + [String](repeating: "domain", count: d).joined(separator: " "),
                "endian: little", "encoding: gzip", "space origin: " + vector(Array(origin.prefix(d))), "", ""
            ]
            // Little-endian doubles: on a little-endian host, the array's own bytes, copied at once.
            #if _endian(little)
                let data = values.withUnsafeBytes { [UInt8]($0) }
            #else
                var data = [UInt8]()
                data.reserveCapacity(values.count * 8)
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            #endif
            try AtomicFile.write(Array(lines.joined(separator: "\n").utf8) + Gzip.compress(data), to: path)
        } else if lowered.hasSuffix(".nii") || lowered.hasSuffix(".nii.gz") {
            var header = NIfTIHeader()
            header.dim = [3] + size + [1, 1, 1, 1]
            header.datatypeCode = NIfTIDataType.float64.rawValue
            header.bitpix = 64
            header.xyztUnits = 2
            header.descrip = "SinoRad radiomics feature map"
            header.setAffine(affine)
            try NIfTI.write(NIfTIImage(path: path, header: header, voxels: .float64(values)), to: path)
        } else {
            throw RadiomicsError(.settings, file: path, "unknown extension for a feature map; use .nrrd, .nii or .nii.gz")
        }
    }
}

/// The neighbour offsets of PyRadiomics' texture matrices (`cmatrices.c:get_angle_count` and
/// `build_angles`, `_cmatrices.c:build_angles_arr`), in array order (dz, dy, dx).
enum TextureAngles {
    /// Every offset whose infinity norm is one of `distances`, enumerated with each component
    /// running from +max down to −max (first axis slowest); an offset is skipped when a
    /// component reaches the array's extent on that axis or, with `excludedAxis`, moves along it.
    /// Mono-directional sets keep the first half. Returns a flat array, three entries per offset.
    /// - Throws: `RadiomicsError` (`.settings`) for a distance below 1 or when no offset is
    ///   possible (PyRadiomics: "Error getting angle count").
    static func build(size: [Int], distances: [Int], bidirectional: Bool, excludedAxis: Int?) throws -> [Int] {
        let nd = 3
        let excluded = excludedAxis ?? -1
        var na = 0
        for d in distances {
            guard d >= 1 else { throw RadiomicsError(.settings, file: "", "distances must be at least 1, not \(d)") }
            var nad = 1
            var nadd = 1
            for dim in 0..<nd where dim != excluded {
                if d < size[dim] {
                    nad *= 2 * d + 1
                    nadd *= 2 * d - 1
                } else {
                    nad *= 2 * (size[dim] - 1) + 1
                    nadd *= 2 * (size[dim] - 1) + 1
                }
            }
            na += nad - nadd
        }
        if !bidirectional { na /= 2 }
        guard na > 0 else { throw RadiomicsError(.settings, file: "", "no neighbour offsets fit the box (PyRadiomics: error getting angle count)") }

        let maxDistance = distances.max() ?? 1
        let nOffsets = 2 * maxDistance + 1
        let strides = [nOffsets * nOffsets, nOffsets, 1]
        var angles = [Int](repeating: 0, count: 3 * na)
        var current = [0, 0, 0]
        var index = 0
        var generated = 0
        while generated < na {
            var norm = 0
            for dim in 0..<nd {
                let offset = maxDistance - (index / strides[dim]) % nOffsets
                if (dim == excluded && offset != 0) || offset >= size[dim] || offset <= -size[dim] {
                    norm = -1
                    break
                }
                current[dim] = offset
                norm = max(norm, abs(offset))
            }
            index += 1
            if norm < 1 || !distances.contains(norm) { continue }
            angles[3 * generated] = current[0]
            angles[3 * generated + 1] = current[1]
            angles[3 * generated + 2] = current[2]
            generated += 1
        }
        return angles
    }

    /// The array axis `force2Ddimension` names for a box, or nil without `force2D`. A 2-D image
    /// is a (y, x) array in PyRadiomics, so its axes 0 and 1 are the box's axes 1 and 2 (and
    /// axis 2 names no axis).
    static func excludedAxis(_ box: ROIBox, settings: RadiomicsSettings) -> Int? {
        guard settings.force2D else { return nil }
        let d = settings.force2Ddimension
        if box.dimension == 2 { return d < 2 ? d + 1 : nil }
        return (0..<3).contains(d) ? d : nil
    }
}

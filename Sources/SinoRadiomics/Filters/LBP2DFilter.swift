import Foundation

/// PyRadiomics' `getLBP2DImage`: scikit-image 0.26's `local_binary_pattern(P, R, method)` on
/// every slice across `force2Ddimension` (3-D images) or on the whole 2-D image.
enum LBP2DImageFilter {
    /// The LBP image on the input grid. PyRadiomics writes each slice's float64 codes back into
    /// the image's own array, so a 3-D image keeps its pixel type (codes cast as NumPy casts:
    /// truncated, wrapped, NaN to 0 for integer types); a 2-D image gives float64.
    static func image(_ image: RadiomicsImage, settings: RadiomicsSettings) throws -> RadiomicsImage {
        let p = settings.lbp2DSamples
        let r = settings.lbp2DRadius
        let method = settings.lbp2DMethod
        guard p >= 1 else { throw RadiomicsError(.settings, file: "", "lbp2DSamples must be at least 1 (got \(p))") }
        let nx = image.size[0]
        let ny = image.size[1]
        let nz = image.size[2]
        if image.dimension == 2 {
            let codes = localBinaryPattern(image.values, rows: ny, cols: nx, samples: p, radius: r, method: method)
            return image.withValues(codes, pixelType: .float64)
        }
        let axis = settings.force2Ddimension
        guard (0...2).contains(axis) else {
            throw RadiomicsError(.settings, file: "", "force2Ddimension \(axis) is not an axis of a 3-D image (0, 1 or 2)")
        }
        var out = image.values
        // im_arr.swapaxes(0, axis)[idx]: axis 0 -> (y, x) planes, axis 1 -> (z, x), axis 2 -> (y, z).
        let (slices, rows, cols): (Int, Int, Int) = axis == 0 ? (nz, ny, nx) : (axis == 1 ? (ny, nz, nx) : (nx, ny, nz))
        func index(_ s: Int, _ row: Int, _ col: Int) -> Int {
            switch axis {
            case 0: return col + nx * (row + ny * s)
            case 1: return col + nx * (s + ny * row)
            default: return s + nx * (row + ny * col)
            }
        }
        var plane = [Double](repeating: 0, count: rows * cols)
        for s in 0..<slices {
            for row in 0..<rows {
                for col in 0..<cols { plane[row * cols + col] = image.values[index(s, row, col)] }
            }
            let codes = localBinaryPattern(plane, rows: rows, cols: cols, samples: p, radius: r, method: method)
            for row in 0..<rows {
                for col in 0..<cols { out[index(s, row, col)] = NumPyCast.store(codes[row * cols + col], as: image.pixelType) }
            }
        }
        return image.withValues(out, pixelType: image.pixelType)
    }

    /// scikit-image's `_local_binary_pattern` (`skimage/feature/_texture.pyx`): P samples on a
    /// circle of radius R (R passes through a C float), positions rounded to 5 decimals,
    /// bilinear interpolation with zero outside the image, a sample counts as 1 when
    /// `sample - centre >= 0`.
    static func localBinaryPattern(_ image: [Double], rows: Int, cols: Int, samples p: Int, radius: Double, method: LBP2DMethod) -> [Double] {
        let r32 = Double(Float(radius))
        var rp = [Double](repeating: 0, count: p)
        var cp = [Double](repeating: 0, count: p)
        for i in 0..<p {
            let angle = 2 * Double.pi * Double(i) / Double(p)
            rp[i] = roundDecimals(-r32 * sin(angle))
            cp[i] = roundDecimals(r32 * cos(angle))
        }
        var out = [Double](repeating: 0, count: rows * cols)
        var texture = [Double](repeating: 0, count: p)
        var signed = [Int](repeating: 0, count: p)
        image.withUnsafeBufferPointer { img in
            func pixel(_ r: Int, _ c: Int) -> Double { r < 0 || r >= rows || c < 0 || c >= cols ? 0 : img[r * cols + c] }
            for r in 0..<rows {
                for c in 0..<cols {
                    let centre = img[r * cols + c]
                    for i in 0..<p {
                        let y = Double(r) + rp[i]
                        let x = Double(c) + cp[i]
                        let minr = Int(floor(y))
                        let minc = Int(floor(x))
                        let maxr = Int(ceil(y))
                        let maxc = Int(ceil(x))
                        let dr = y - Double(minr)
                        let dc = x - Double(minc)
                        let top = (1 - dc) * pixel(minr, minc) + dc * pixel(minr, maxc)
                        let bottom = (1 - dc) * pixel(maxr, minc) + dc * pixel(maxr, maxc)
                        texture[i] = (1 - dr) * top + dr * bottom
                        signed[i] = texture[i] - centre >= 0 ? 1 : 0
                    }
                    var lbp = 0.0
                    switch method {
                    case .var:
                        var sum = 0.0
                        var squares = 0.0
                        for i in 0..<p {
                            sum += texture[i]
                            squares += texture[i] * texture[i]
                        }
                        let variance = (squares - (sum * sum) / Double(p)) / Double(p)
                        lbp = variance != 0 ? variance : .nan
                    case .uniform:
                        var changes = 0
                        for i in 0..<(p - 1) where signed[i] != signed[i + 1] { changes += 1 }
                        if changes <= 2 {
                            for i in 0..<p { lbp += Double(signed[i]) }
                        } else {
                            lbp = Double(p + 1)
                        }
                    case .default, .ror:
                        // Weights 2**i as NumPy int32 (2**31 wraps, 2**32 and up are 0).
                        var code = 0
                        for i in 0..<p where signed[i] == 1 { code += i < 32 ? Int(Int32(truncatingIfNeeded: 1 << i)) : 0 }
                        if method == .ror {
                            // Rotate right P times (as a C int) and keep the smallest.
                            var chain = Int32(truncatingIfNeeded: code)
                            var smallest = chain
                            for _ in 1..<max(p, 1) {
                                chain = (chain >> 1) | ((chain & 1) << Int32(p - 1))
                                smallest = min(smallest, chain)
                            }
                            code = Int(smallest)
                        }
                        lbp = Double(code)
                    }
                    out[r * cols + c] = lbp
                }
            }
        }
        return out
    }

    /// `numpy.round(x, 5)`: `rint(x * 1e5) / 1e5`.
    static func roundDecimals(_ x: Double) -> Double {
        (x * 1e5).rounded(.toNearestOrEven) / 1e5
    }
}

/// How NumPy (x86-64) converts a float64 value when it is assigned into an array of another
/// dtype: integers by C conversion (truncation; out-of-range and NaN through the 32- or 64-bit
/// `cvttsd2si` result, then the low bits), float32 by rounding.
enum NumPyCast {
    static func store(_ v: Double, as type: PixelType) -> Double {
        switch type {
        case .float64: return v
        case .float32: return Double(Float(v))
        case .int8: return Double(Int8(truncatingIfNeeded: int32(v)))
        case .uint8: return Double(UInt8(truncatingIfNeeded: int32(v)))
        case .int16: return Double(Int16(truncatingIfNeeded: int32(v)))
        case .uint16: return Double(UInt16(truncatingIfNeeded: int32(v)))
        case .int32: return Double(int32(v))
        case .uint32: return Double(UInt32(truncatingIfNeeded: int64(v)))
        case .int64: return Double(int64(v))
        case .uint64:
            if v >= 9_223_372_036_854_775_808.0 && v < 18_446_744_073_709_551_616.0 { return v.rounded(.towardZero) }
            return Double(UInt64(bitPattern: int64(v)))
        }
    }

    static func int32(_ v: Double) -> Int32 {
        guard v.isFinite, v > -2_147_483_649.0, v < 2_147_483_648.0 else { return Int32.min }
        return Int32(v.rounded(.towardZero))
    }

    static func int64(_ v: Double) -> Int64 {
        guard v.isFinite, v >= -9_223_372_036_854_775_808.0, v < 9_223_372_036_854_775_808.0 else { return Int64.min }
        return Int64(v.rounded(.towardZero))
    }
}

/// Reductions over one contiguous plane, vectorised: sixteen Float lanes (an AVX-512
/// register) accumulate, the tail is added one by one, and the lanes are summed in Double.
/// The element order differs from a sequential sum, but each lane adds at most n/16 values,
/// so the rounding error is smaller than a sequential Float sum's.
enum PlaneKernel {
    typealias Lanes = SIMD16<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Lanes {
        UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func total(_ lanes: Lanes) -> Double {
        var s = 0.0
        for i in 0..<Lanes.scalarCount { s += Double(lanes[i]) }
        return s
    }

    /// sum of p[0 ..< n].
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var acc = Lanes(repeating: 0), i = 0
        while i + 16 <= n { acc += load(p, i); i += 16 }
        var s = total(acc)
        while i < n { s += Double(p[i]); i += 1 }
        return s
    }

    /// sum of (p[j] - mean)^2.
    static func squaredDeviations(_ p: UnsafePointer<Float>, _ n: Int, mean: Float) -> Double {
        var acc = Lanes(repeating: 0), i = 0
        let m = Lanes(repeating: mean)
        while i + 16 <= n { let d = load(p, i) - m; acc += d * d; i += 16 }
        var s = total(acc)
        while i < n { let d = Double(p[i] - mean); s += d * d; i += 1 }
        return s
    }

    /// (sum of g[j], sum of g[j] * (x[j] - mean)).
    static func gradientSums(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int,
        mean: Float, positive y: UnsafePointer<Float>? = nil
    ) -> (Double, Double) {
        var a = Lanes(repeating: 0), b = Lanes(repeating: 0), i = 0
        let m = Lanes(repeating: mean), zero = Lanes(repeating: 0)
        if let y {
            // g where y > 0, else 0 (ReLU's gradient), not written back.
            while i + 16 <= n {
                let gv = zero.replacing(with: load(g, i), where: load(y, i) .> zero)
                a += gv
                b += gv * (load(x, i) - m)
                i += 16
            }
        } else {
            while i + 16 <= n {
                let gv = load(g, i)
                a += gv
                b += gv * (load(x, i) - m)
                i += 16
            }
        }
        var sa = total(a), sb = total(b)
        while i < n {
            let gi: Float = y == nil || y![i] > 0 ? g[i] : 0
            sa += Double(gi)
            sb += Double(gi * (x[i] - mean))
            i += 1
        }
        return (sa, sb)
    }

    /// d[j] += a * g'[j] + bx * (x[j] - mean) + c, g' = g where y > 0 else 0 (when `y` is
    /// given), each element's operations in that order (BatchNorm's input gradient).
    static func addNormalisedGradient(
        _ d: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, positive y: UnsafePointer<Float>?,
        _ n: Int, a: Float, bx: Float, mean: Float, c: Float
    ) {
        let av = Lanes(repeating: a), bv = Lanes(repeating: bx), mv = Lanes(repeating: mean), cv = Lanes(repeating: c)
        let zero = Lanes(repeating: 0)
        var i = 0
        if let y {
            while i + 16 <= n {
                let gv = zero.replacing(with: load(g, i), where: load(y, i) .> zero)
                UnsafeMutableRawPointer(d + i).storeBytes(of: load(d, i) + (av * gv + bv * (load(x, i) - mv) + cv), as: Lanes.self)
                i += 16
            }
        } else {
            while i + 16 <= n {
                UnsafeMutableRawPointer(d + i).storeBytes(of: load(d, i) + (av * load(g, i) + bv * (load(x, i) - mv) + cv), as: Lanes.self)
                i += 16
            }
        }
        while i < n {
            let gi: Float = y == nil || y![i] > 0 ? g[i] : 0
            d[i] += a * gi + bx * (x[i] - mean) + c
            i += 1
        }
    }
}

extension PlaneKernel {
    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Lanes.self)
    }

    /// g[j] = y[j] > 0 ? g[j] : 0 (ReLU's gradient in place; NaN in y gives 0, as torch's
    /// threshold_backward).
    static func keepWherePositive(_ y: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ n: Int) {
        let zero = Lanes(repeating: 0)
        var i = 0
        while i + 16 <= n {
            store(zero.replacing(with: load(g, i), where: load(y, i) .> zero), g, i)
            i += 16
        }
        while i < n { if !(y[i] > 0) { g[i] = 0 }; i += 1 }
    }

    /// d[j] += y[j] > 0 ? g[j] : 0.
    static func addWherePositive(
        _ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
        _ d: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        let zero = Lanes(repeating: 0)
        var i = 0
        while i + 16 <= n {
            store(load(d, i) + zero.replacing(with: load(g, i), where: load(y, i) .> zero), d, i)
            i += 16
        }
        while i < n { if y[i] > 0 { d[i] += g[i] }; i += 1 }
    }
}

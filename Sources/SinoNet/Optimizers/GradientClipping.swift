import Foundation

/// torch.nn.utils.clip_grad_norm_ (norm_type 2) and clip_grad_value_ on a gradient arena.
public enum GradientClipping {
    /// The total 2-norm of the listed gradients (all views when `only` is nil), accumulated in
    /// Double and rounded to Float.
    public static func globalNorm(_ gradients: Arena, only names: [String]? = nil) -> Float {
        var sum = 0.0
        forEachView(gradients, names) { g, n in
            for i in 0..<n { let x = Double(g[i]); sum += x * x }
        }
        return Float(sum.squareRoot())
    }

    /// clip_grad_norm_(max_norm: maxNorm, norm_type: 2): with total the global norm,
    /// coef = Float(maxNorm) * (1 / (total + 1e-6)) and every listed gradient is multiplied by
    /// min(coef, 1) (torch's rule: it also scales, by less than 1e-6 relative, when total is
    /// within 1e-6 below maxNorm; a NaN or infinite total spreads into the gradients as in
    /// torch with error_if_nonfinite false). Returns the total norm before clipping.
    @discardableResult
    public static func clipGlobalNorm(_ gradients: Arena, maxNorm: Double, only names: [String]? = nil) -> Float {
        precondition(maxNorm >= 0, "max norm must be non-negative, got \(maxNorm)")
        let total = globalNorm(gradients, only: names)
        let coefficient = Float(maxNorm) * (1 / (total + Float(1e-6)))
        let clamped = coefficient.isNaN ? coefficient : Swift.min(coefficient, 1)
        if clamped != 1 {
            forEachView(gradients, names) { g, n in
                for i in 0..<n { g[i] *= clamped }
            }
        }
        return total
    }

    /// clip_grad_value_(clip_value: maxValue): every listed gradient element clamped to
    /// [-maxValue, maxValue]; NaN stays NaN.
    public static func clipValue(_ gradients: Arena, maxValue: Double, only names: [String]? = nil) {
        precondition(maxValue >= 0, "clip value must be non-negative, got \(maxValue)")
        let high = Float(maxValue), low = -high
        forEachView(gradients, names) { g, n in
            for i in 0..<n {
                if g[i] > high { g[i] = high } else if g[i] < low { g[i] = low }
            }
        }
    }

    private static func forEachView(
        _ arena: Arena, _ names: [String]?,
        _ body: (UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        let layout = arena.layout
        if let names {
            for name in names {
                guard let i = layout.index[name] else {
                    preconditionFailure("gradient arena has no view named \(name)")
                }
                body(arena.storage.base + layout.entries[i].offset, layout.entries[i].shape.count)
            }
        } else {
            for entry in layout.entries { body(arena.storage.base + entry.offset, entry.shape.count) }
        }
    }
}

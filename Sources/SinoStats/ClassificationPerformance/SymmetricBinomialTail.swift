/// The two-sided p-value of the exact McNemar test, min(1, 2 P(X <= k)) for
/// X ~ Binomial(n, 1/2), computed exactly and rounded once.
///
/// P(X <= k) = S / 2^n with S = sum_{i <= k} C(n, i), an integer. S is accumulated in
/// multi-word integer arithmetic (C(n, i + 1) = C(n, i) (n - i) / (i + 1), each division exact),
/// then 2 S / 2^n is rounded to the nearest double. scipy 1.17 `binom.cdf` (boost's incomplete
/// beta), which statsmodels calls, is within 6.7e-16 of this for n <= 64 and within ~1e-13
/// beyond; GSL's `gsl_cdf_binomial_P` was 3e-14 off at n = 100.
enum SymmetricBinomialTail {
    /// Above this many discordant pairs the exact sum gets slow (O(n^2 / 64) word operations);
    /// GSL's binomial CDF is used instead.
    static let exactLimit = 20_000

    static func twoSidedP(smaller k: Int, discordant n: Int) -> Double {
        precondition(n >= 0 && k >= 0 && k <= n)
        if 2 * k >= n { return 1 } // the tail holds at least half the mass
        guard n <= exactLimit else { return min(1, 2 * Distributions.binomialCDF(k, n: n, p: 0.5)) }
        var term = WideUnsigned(1), sum = WideUnsigned(1)
        for i in 0..<k {
            term.multiply(by: UInt64(n - i))
            term.divide(by: UInt64(i + 1))
            sum.add(term)
        }
        return min(1, sum.roundedToDouble(timesPowerOfTwo: 1 - n))
    }
}

/// A non-negative integer of any size, little-endian 64-bit words: just the operations the
/// binomial tail needs.
struct WideUnsigned {
    private(set) var words: [UInt64]

    init(_ value: UInt64) { words = [value] }

    mutating func multiply(by factor: UInt64) {
        var carry: UInt64 = 0
        for i in words.indices {
            let (high, low) = words[i].multipliedFullWidth(by: factor)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            words[i] = sum
            carry = high &+ (overflow ? 1 : 0)
        }
        if carry > 0 { words.append(carry) }
    }

    /// Divides in place; callers divide only where the quotient is exact.
    mutating func divide(by divisor: UInt64) {
        var remainder: UInt64 = 0
        for i in words.indices.reversed() {
            (words[i], remainder) = divisor.dividingFullWidth((remainder, words[i]))
        }
        while words.count > 1, words.last == 0 { words.removeLast() }
    }

    mutating func add(_ other: WideUnsigned) {
        if other.words.count > words.count { words += Array(repeating: 0, count: other.words.count - words.count) }
        var carry = false
        for i in words.indices {
            let addend = i < other.words.count ? other.words[i] : 0
            let (partial, overflow1) = words[i].addingReportingOverflow(addend)
            let (total, overflow2) = partial.addingReportingOverflow(carry ? 1 : 0)
            words[i] = total
            carry = overflow1 || overflow2
        }
        if carry { words.append(1) }
    }

    /// self * 2^exponent rounded once to the nearest double: the top 64 significant bits, with
    /// every lower bit folded into a sticky bit 0, convert exactly as the full value would.
    func roundedToDouble(timesPowerOfTwo exponent: Int) -> Double {
        guard let top = words.lastIndex(where: { $0 != 0 }) else { return 0 }
        let shift = words[top].leadingZeroBitCount
        var leading = words[top] << shift
        var sticky = false
        if top > 0 {
            if shift > 0 { leading |= words[top - 1] >> (64 - shift) }
            sticky = (shift > 0 && words[top - 1] << shift != 0) || (shift == 0 && words[top - 1] != 0)
            sticky = sticky || words[..<(top - 1)].contains { $0 != 0 }
        }
        if sticky { leading |= 1 }
        let scale = 64 * top - shift + exponent
        return Double(leading) * Double(sign: .plus, exponent: scale, significand: 1)
    }
}

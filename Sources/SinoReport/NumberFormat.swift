import Foundation

/// How numbers are written in tables, following medical-journal conventions.
public enum NumberFormat {
    /// p-values: "<0.001" below 0.001, otherwise three decimals ("0.045", "1.000").
    public static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "—" }
        if p < 0.001 { return "<0.001" }
        return String(format: "%.3f", p)
    }

    public static func fixed(_ value: Double?, _ decimals: Int) -> String {
        guard let value, value.isFinite else { return "—" }
        let text = String(format: "%.\(decimals)f", value)
        return text == "-" + String(format: "%.\(decimals)f", 0.0) ? String(format: "%.\(decimals)f", 0.0) : text
    }

    /// Percent with one decimal ("45.2").
    public static func percent(_ count: Int, of total: Int) -> String {
        total == 0 ? "—" : String(format: "%.1f", 100 * Double(count) / Double(total))
    }

    /// Odds ratios and their CIs: two decimals, three significant digits for small values, and
    /// ">999" beyond, where an estimate this large means near-separation.
    public static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return value > 0 ? ">999" : "—" }
        if value > 999 { return ">999" }
        if value < 0.01 { return String(format: "%.3g", value) }
        return String(format: "%.2f", value)
    }

    /// A confidence level as a column header says it: 0.95 -> "95%", 0.9 -> "90%", 0.975 ->
    /// "97.5%" (up to three decimals, trailing zeros dropped).
    public static func percentLevel(_ level: Double) -> String {
        var text = String(format: "%.3f", 100 * level)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// Statistics such as chi-square, F, H: two decimals.
    public static func statistic(_ value: Double?) -> String { fixed(value, 2) }
}

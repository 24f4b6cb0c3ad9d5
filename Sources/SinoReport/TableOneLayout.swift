import SinoData
import SinoStats

extension TableOne {
    /// Table 1 as a paper prints it: one column per class (and overall), one row block per
    /// variable, the test and its p-value on the variable's first row.
    public func layout(title: String? = nil) -> Table {
        let stratified = strata.count > 1 || strata.first?.name != nil
        var columns = ["Characteristic", "Overall"] + classes + ["p", "Test"]
        if !stratified, let only = strata.first {
            columns[1] = "Overall (n = \(only.n))"
            for (k, name) in classes.enumerated() { columns[2 + k] = "\(name) (n = \(only.classCounts[k]))" }
        }
        var table = Table(title: title ?? "Baseline characteristics by class", columns: columns)
        for stratum in strata {
            if stratified {
                table.append(["\(Self.cohortTitle(stratum.name))", "n = \(stratum.n)"] + stratum.classCounts.map { "n = \($0)" } + ["", ""], style: .section)
            }
            for variable in stratum.variables { append(variable, to: &table) }
        }
        table.footnotes = footnotes()
        return table
    }

    static func cohortTitle(_ name: String?) -> String {
        switch name {
        case "train": return "Training cohort"
        case "validation": return "Validation cohort"
        case "test": return "External test cohort"
        case let other?: return "Cohort \(other)"
        case nil: return "All patients"
        }
    }

    func append(_ variable: TableOneVariable, to table: inout Table) {
        let p = variable.comparison.map { NumberFormat.pValue($0.pValue) } ?? "—"
        let test = variable.comparison?.test ?? (variable.untested.map { "not tested: \($0)" } ?? "")
        let blank = Array(repeating: "", count: classes.count + 1)
        switch variable.kind {
        case .continuous:
            let style = variable.summary == "mean_sd" ? "mean (SD)" : "median [Q1, Q3]"
            let cells = [variable.overall!] + variable.byClass!
            table.append(["\(variable.label), \(style)"] + cells.map { format($0, variable) } + [p, test], style: .heading)
        case .categorical, .ordinal:
            table.append(["\(variable.label), n (%)"] + blank + [p, test], style: .heading)
            let columnTotals = columnNonMissing(variable)
            for level in variable.levels ?? [] {
                let counts = [level.overall] + level.byClass
                table.append([level.label] + zip(counts, columnTotals).map { "\($0) (\(NumberFormat.percent($0, of: $1)))" } + ["", ""], style: .indented)
            }
        }
        if variable.missingOverall > 0 {
            table.append(["Missing"] + ([variable.missingOverall] + variable.missingByClass).map(String.init) + ["", ""], style: .indented)
        }
    }

    /// Denominators for percentages: the non-missing patients of each column.
    func columnNonMissing(_ variable: TableOneVariable) -> [Int] {
        let levels = variable.levels ?? []
        let overall = levels.reduce(0) { $0 + $1.overall }
        let byClass = classes.indices.map { k in levels.reduce(0) { $0 + $1.byClass[k] } }
        return [overall] + byClass
    }

    func format(_ summary: GroupSummary, _ variable: TableOneVariable) -> String {
        guard summary.n > 0 else { return "—" }
        let d = variable.decimals
        if variable.summary == "mean_sd" {
            return "\(NumberFormat.fixed(summary.mean, d)) (\(NumberFormat.fixed(summary.sd, d)))"
        }
        return "\(NumberFormat.fixed(summary.median, d)) [\(NumberFormat.fixed(summary.q1, d)), \(NumberFormat.fixed(summary.q3, d))]"
    }

    func footnotes() -> [String] {
        let quartiles = quantileMethod == .type7 ? "type 7 (linear interpolation; tableone, numpy)" : "type 2 (gtsummary)"
        var notes = [
            "Continuous variables: mean (SD) with one-way ANOVA when Shapiro-Wilk p > 0.05 in every class, otherwise median [Q1, Q3] with Kruskal-Wallis; quartiles \(quartiles).",
            "Categorical variables: n (% of non-missing patients in the column); chi-square when every expected count is >= 5 (Yates correction only for 2 x 2), otherwise Fisher's exact test (Fisher-Freeman-Halton for larger tables).",
            "p-values are two-sided and unadjusted; '<0.001' below 0.001."
        ]
        notes += warnings
        return notes
    }
}

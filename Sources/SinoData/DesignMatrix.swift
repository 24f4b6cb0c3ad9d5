/// The numeric design matrix for regression, built from cohort variables.
///
/// Categorical variables become one indicator column per non-reference level ("sex=female");
/// ordinal variables do too unless their encoding is `ordinal` (one column of level positions
/// 0, 1, 2, ...); continuous variables are copied. Patients with any missing value among the
/// chosen variables are left out (complete-case analysis) and counted.
public struct DesignMatrix: Sendable {
    /// One variable's columns in `x`.
    public struct Group: Sendable, Equatable {
        public var variable: String
        public var columns: [Int]
    }

    public var columnNames: [String]
    public var groups: [Group]
    /// Rows are patients (complete cases), columns are `columnNames`.
    public var x: [[Double]]
    public var labels: [Int]
    /// Positions in the cohort of the rows kept.
    public var rows: [Int]
    public var droppedIncomplete: Int
    public var warnings: [Warning]

    public static func build(_ cohort: Cohort, variables names: [String]) throws -> DesignMatrix {
        let variables = try names.map { name -> Variable in
            guard let variable = cohort.dictionary.variable(named: name) else {
                throw ValidationError(Problem(file: cohort.source, column: name, message: "no such variable", expected: "one of \(cohort.variables.map(\.name).joined(separator: ", "))"))
            }
            return variable
        }
        let rows = cohort.ids.indices.filter { row in
            variables.allSatisfy { cohort.columns[$0.name]!.isPresent(row) }
        }
        var design = DesignMatrix(
            columnNames: [], groups: [], x: Array(repeating: [], count: rows.count),
            labels: rows.map { cohort.labels[$0] }, rows: rows,
            droppedIncomplete: cohort.count - rows.count, warnings: [])
        for variable in variables { design.append(variable, cohort.columns[variable.name]!) }
        return design
    }

    mutating func append(_ variable: Variable, _ column: ColumnValues) {
        var indices: [Int] = []
        func addColumn(_ name: String, _ values: [Double]) {
            indices.append(columnNames.count)
            columnNames.append(name)
            for i in x.indices { x[i].append(values[i]) }
        }
        switch column {
        case .continuous(let values):
            addColumn(variable.name, rows.map { values[$0]! })
        case .categorical(let codes):
            let levels = variable.levels ?? []
            let kept = rows.map { codes[$0]! }
            if variable.kind == .ordinal && variable.effectiveEncoding == .ordinal {
                addColumn("\(variable.name) (score)", kept.map(Double.init))
            } else {
                let reference = levels.firstIndex(of: variable.referenceLevel ?? "") ?? 0
                let observed = Set(kept)
                if !observed.contains(reference) {
                    warnings.append(Warning("\(variable.name): the reference level '\(levels[reference])' does not occur among the analysed patients; odds ratios are relative to an absent level"))
                }
                for (code, level) in levels.enumerated() where code != reference {
                    guard observed.contains(code) else {
                        warnings.append(Warning("\(variable.name): level '\(level)' does not occur among the analysed patients and gets no column"))
                        continue
                    }
                    addColumn("\(variable.name)=\(level)", kept.map { $0 == code ? 1 : 0 })
                }
            }
        }
        groups.append(Group(variable: variable.name, columns: indices))
    }
}

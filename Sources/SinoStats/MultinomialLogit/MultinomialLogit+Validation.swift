import Foundation

// Input checks made once, before any fitting, with messages that say what was expected.

extension MultinomialLogit {
    static func validate(
        x: [[Double]], y: [Int], classCount: Int, reference: Int, featureNames: [String],
        addIntercept: Bool, maxIterations: Int, tolerance: Double, confidenceLevel: Double
    ) throws {
        if addIntercept && featureNames.contains("Intercept") {
            throw StatsError.invalidInput(
                "a predictor is named 'Intercept'; rename it or pass addIntercept: false")
        }
        guard !x.isEmpty, x.count == y.count else {
            throw StatsError.invalidInput(
                "x has \(x.count) rows and y \(y.count) labels; both must be equal and non-zero")
        }
        guard classCount >= 2, (0..<classCount).contains(reference) else {
            throw StatsError.invalidInput(
                "need classCount >= 2 and reference in 0..<classCount (got \(classCount), \(reference))")
        }
        guard maxIterations >= 1, tolerance > 0 else {
            throw StatsError.invalidInput("maxIterations must be >= 1 and tolerance > 0")
        }
        try DeLong.requireLevel(confidenceLevel)
        try validatePredictors(x, featureNames: featureNames)
        try validateOutcome(y, classCount: classCount)
    }

    private static func validatePredictors(_ x: [[Double]], featureNames: [String]) throws {
        guard Set(featureNames).count == featureNames.count else {
            throw StatsError.invalidInput("feature names must be distinct: \(featureNames)")
        }
        for (i, row) in x.enumerated() {
            guard row.count == featureNames.count else {
                throw StatsError.invalidInput(
                    "row \(i) has \(row.count) values but there are \(featureNames.count) feature names")
            }
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw StatsError.invalidInput(
                    "'\(featureNames[j])' is \(row[j]) in row \(i); remove or impute missing values first")
            }
        }
    }

    private static func validateOutcome(_ y: [Int], classCount: Int) throws {
        var counts = [Int](repeating: 0, count: classCount)
        for (i, label) in y.enumerated() {
            guard (0..<classCount).contains(label) else {
                throw StatsError.invalidInput("y[\(i)] = \(label) is outside 0..<\(classCount)")
            }
            counts[label] += 1
        }
        if let empty = counts.firstIndex(of: 0) {
            // A class without observations has no finite MLE for its equation.
            throw StatsError.invalidInput(
                "class \(empty) has no observations; drop it from classCount or merge classes")
        }
    }

    /// The design matrix (intercept first when added) and the outcome recoded so the
    /// reference is 0 and the other classes keep their order.
    static func makeDesign(
        x: [[Double]], y: [Int], classCount: Int, reference: Int, featureNames: [String],
        addIntercept: Bool
    ) -> Design {
        let columns = featureNames.count + (addIntercept ? 1 : 0)
        var values = [Double]()
        values.reserveCapacity(x.count * columns)
        for row in x {
            if addIntercept { values.append(1) }
            values.append(contentsOf: row)
        }
        let nonReference = (0..<classCount).filter { $0 != reference }
        var code = [Int](repeating: 0, count: classCount)
        for (e, label) in nonReference.enumerated() { code[label] = e + 1 }
        return Design(
            x: Matrix(rows: x.count, columns: columns, values: values),
            outcome: y.map { code[$0] }, classCount: classCount,
            featureNames: (addIntercept ? ["Intercept"] : []) + featureNames,
            nonReferenceClasses: nonReference)
    }
}

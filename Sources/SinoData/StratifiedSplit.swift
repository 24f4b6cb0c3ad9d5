import SinoRandom

/// Assigns patients to cohorts (train / validation / test) with the class proportions kept in
/// every cohort.
public enum StratifiedSplit {
    /// How many patients of each class go to each cohort: `counts[class][cohort]`.
    ///
    /// Cohort sizes are apportioned to classes by the largest-remainder method, so each cohort
    /// gets exactly its requested size and each class exactly its patients; ties are broken by
    /// class order, so the result is deterministic.
    public static func allocation(classCounts: [Int], cohortSizes: [Int]) throws -> [[Int]] {
        let total = classCounts.reduce(0, +)
        guard cohortSizes.reduce(0, +) == total else {
            throw ValidationError(
                Problem(
                    message: "cohort sizes \(cohortSizes.map(String.init).joined(separator: "/")) add up to \(cohortSizes.reduce(0, +))",
                    expected: "\(total), the number of patients"))
        }
        var result = Array(repeating: Array(repeating: 0, count: cohortSizes.count), count: classCounts.count)
        var classLeft = classCounts
        // All cohorts but the last are apportioned; the last takes what is left of each class.
        for (c, size) in cohortSizes.enumerated().dropLast() {
            let shares = classLeft.map { Double($0) * Double(size) / Double(classLeft.reduce(0, +)) }
            var taken = shares.map { Int($0.rounded(.down)) }
            var remaining = size - taken.reduce(0, +)
            let order = shares.indices.sorted { (shares[$0] - shares[$0].rounded(.down), -$0) > (shares[$1] - shares[$1].rounded(.down), -$1) }
            for k in order where remaining > 0 && taken[k] < classLeft[k] { taken[k] += 1; remaining -= 1 }
            for k in taken.indices { result[k][c] = taken[k]; classLeft[k] -= taken[k] }
        }
        for k in classLeft.indices { result[k][cohortSizes.count - 1] = classLeft[k] }
        return result
    }

    /// A cohort name for every patient, shuffled within class by `seed`.
    public static func assign(
        labels: [Int], classCount: Int, cohortNames: [String], cohortSizes: [Int],
        seed: UInt64
    ) throws -> [String] {
        let counts = (0..<classCount).map { k in labels.filter { $0 == k }.count }
        let allocation = try allocation(classCounts: counts, cohortSizes: cohortSizes)
        var generator = SeededGenerator(seed: seed)
        var result = Array(repeating: "", count: labels.count)
        for k in 0..<classCount {
            var members = labels.indices.filter { labels[$0] == k }
            generator.shuffle(&members)
            var position = 0
            for (c, name) in cohortNames.enumerated() {
                for _ in 0..<allocation[k][c] { result[members[position]] = name; position += 1 }
            }
        }
        return result
    }
}

extension StratifiedSplit {
    /// Stratified k-fold assignment (as scikit-learn's StratifiedKFold with shuffling): each
    /// class's patients are shuffled by `seed` and dealt to folds in turn, so every fold keeps
    /// the class proportions within one patient. Returns the fold (0..<k) of each patient.
    public static func folds(labels: [Int], classCount: Int, k: Int, seed: UInt64) throws -> [Int] {
        let counts = (0..<classCount).map { c in labels.filter { $0 == c }.count }
        guard k >= 2, let smallest = counts.filter({ $0 > 0 }).min(), smallest >= k else {
            throw ValidationError(
                Problem(
                    message: "cannot make \(k) stratified folds: the smallest class has \(counts.filter { $0 > 0 }.min() ?? 0) patient(s)",
                    expected: "k between 2 and the size of the smallest class"))
        }
        var generator = SeededGenerator(seed: seed)
        var fold = Array(repeating: 0, count: labels.count)
        var next = 0
        for c in 0..<classCount {
            var members = labels.indices.filter { labels[$0] == c }
            generator.shuffle(&members)
            for member in members { fold[member] = next % k; next += 1 }
        }
        return fold
    }
}

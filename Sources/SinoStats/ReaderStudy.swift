import Foundation
import SinoData

/// A radiologist reader study: each reader's diagnostic performance unaided and AI-assisted,
/// whether the AI changed their accuracy (exact McNemar), and how well readers agree with each
/// other and with the truth (Cohen's kappa), as in Wang et al. (BMC Med Imaging 2025;25:56).
///
/// ```swift
/// let study = try ReaderStudy.run(reads, truth: cohort, cohort: "test")
/// study.performance[0].metrics.accuracy.value   // senior, unaided
/// study.assistance[0].mcnemar.pValue            // senior: unaided vs AI-assisted
/// ```
///
/// Reference semantics: metrics as scikit-learn 1.9 `accuracy_score`,
/// `precision_recall_fscore_support` (per class and macro; an undefined value counts as 0.0)
/// and `confusion_matrix`, accuracy CI as statsmodels 0.15 `proportion_confint(method="wilson")`;
/// kappa as sklearn `cohen_kappa_score` with statsmodels `cohens_kappa`'s standard error and
/// CI; McNemar as statsmodels `mcnemar(table, exact=True)`.
public struct ReaderStudy: Codable, Sendable, Equatable {
    public let classes: [String]
    /// The cohort (split) the reads were restricted to; absent = every patient read.
    public let cohort: String?
    /// Patients with at least one read in the analysis.
    public let patients: Int
    /// Readers in order of first appearance in the reads.
    public let readers: [String]
    /// One entry per reader and condition (unaided before AI-assisted).
    public let performance: [ReaderPerformance]
    /// Per reader who read in both conditions: unaided vs AI-assisted correctness.
    public let assistance: [AssistanceEffect]
    /// Kappa between each pair of readers, per condition, on the patients both read.
    public let agreement: [ReaderAgreement]

    /// - Parameters:
    ///   - reads: validated reads whose classes are the truth's.
    ///   - truth: the cohort with the true classes (and the splits, for `cohort`).
    ///   - cohort: analyse only the patients of this split (e.g. "test").
    ///   - level: confidence level of the intervals.
    /// - Returns: each reader's performance per condition, the unaided-vs-aided McNemar tests
    ///   and the agreement between readers and with the truth.
    /// - Throws: `ValidationError` for an unknown cohort or a read of a patient not in the
    ///   truth; `StatsError.invalidInput` for different classes or when no read is left.
    public static func run(_ reads: ReaderReads, truth: Cohort, cohort: String? = nil, level: Double = 0.95) throws -> ReaderStudy {
        guard reads.classes == truth.classes else {
            throw StatsError.invalidInput("the reads' classes (\(reads.classes.names.joined(separator: ", "))) differ from the truth's (\(truth.classes.names.joined(separator: ", ")))")
        }
        let all = Dictionary(uniqueKeysWithValues: zip(truth.ids, truth.labels))
        if let unknown = reads.reads.first(where: { all[$0.patientId] == nil }) {
            throw ValidationError(
                Problem(
                    file: truth.source, value: unknown.patientId, message: "patient read by '\(unknown.reader)' is not in the truth cohort",
                    expected: "a patient of \(truth.source)"))
        }
        let scope = try cohort.map { try truth.split($0) } ?? truth
        let readIds = Set(reads.reads.map(\.patientId))
        let patients = zip(scope.ids, scope.labels).filter { readIds.contains($0.0) }.map { (id: $0.0, label: $0.1) }
        guard !patients.isEmpty else {
            throw StatsError.invalidInput("no reads of patients in cohort '\(cohort ?? "")'; the readers read other patients")
        }
        let builder = Builder(reads: reads, patients: patients, level: level)
        let performance = try builder.performance()
        return ReaderStudy(
            classes: truth.classes.names, cohort: cohort, patients: patients.count,
            readers: performance.map(\.reader).uniqued(), performance: performance,
            assistance: try builder.assistance(), agreement: builder.agreement())
    }

    /// The computations, over the patients in scope (truth order).
    struct Builder {
        let reads: ReaderReads
        let patients: [(id: String, label: Int)]
        let level: Double
        var classCount: Int { reads.classes.count }

        /// (true class, call) of the patients in scope that `reader` read in `condition`.
        func pairs(_ reader: String, _ condition: ReadingCondition) -> [(label: Int, call: Int)] {
            let calls = reads.calls(of: reader, condition)
            return patients.compactMap { p in calls[p.id].map { (p.label, $0) } }
        }

        func performance() throws -> [ReaderPerformance] {
            var result: [ReaderPerformance] = []
            for reader in reads.readers {
                for condition in ReadingCondition.allCases {
                    let read = pairs(reader, condition)
                    guard !read.isEmpty else { continue }
                    let matrix = try ConfusionMatrix(labels: read.map(\.label), predicted: read.map(\.call), classCount: classCount)
                    let (kappa, reason) = Self.kappa(matrix.counts, level: level)
                    result.append(
                        ReaderPerformance(
                            reader: reader, condition: condition, patients: read.count,
                            metrics: ClassificationMetrics(matrix, level: level),
                            kappaWithTruth: kappa, kappaUndefinedReason: reason))
                }
            }
            return result
        }

        func assistance() throws -> [AssistanceEffect] {
            try reads.readers.compactMap { reader -> AssistanceEffect? in
                let unaided = reads.calls(of: reader, .unaided), aided = reads.calls(of: reader, .aided)
                let paired = patients.compactMap { p in unaided[p.id].flatMap { u in aided[p.id].map { (p.label, u, $0) } } }
                guard !paired.isEmpty else { return nil }
                let before = paired.map { $0.0 == $0.1 }, after = paired.map { $0.0 == $0.2 }
                return AssistanceEffect(
                    reader: reader, patients: paired.count,
                    unaidedCorrect: before.filter { $0 }.count, aidedCorrect: after.filter { $0 }.count,
                    changedCalls: paired.filter { $0.1 != $0.2 }.count,
                    mcnemar: try McNemarTest.test(aCorrect: before, bCorrect: after, method: .exactBinomial))
            }
        }

        func agreement() -> [ReaderAgreement] {
            var result: [ReaderAgreement] = []
            let readers = reads.readers
            for condition in ReadingCondition.allCases {
                for a in readers.indices {
                    for b in readers.indices where b > a {
                        let callsA = reads.calls(of: readers[a], condition), callsB = reads.calls(of: readers[b], condition)
                        let both = patients.compactMap { p in callsA[p.id].flatMap { x in callsB[p.id].map { (x, $0) } } }
                        guard !both.isEmpty else { continue }
                        var table = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
                        for (x, y) in both { table[x][y] += 1 }
                        let (kappa, reason) = Self.kappa(table, level: level)
                        result.append(
                            ReaderAgreement(
                                condition: condition, readerA: readers[a], readerB: readers[b], patients: both.count,
                                agreed: both.filter { $0.0 == $0.1 }.count, kappa: kappa, undefinedReason: reason))
                    }
                }
            }
            return result
        }

        /// Unweighted kappa, or why it is undefined (both raters used one and the same class).
        static func kappa(_ table: [[Int]], level: Double) -> (CohensKappaResult?, String?) {
            do {
                return (try CohensKappa.compute(table: table, weighting: .unweighted, level: level), nil)
            } catch {
                return (nil, "\(error)")
            }
        }
    }
}

/// One reader in one condition against the truth.
public struct ReaderPerformance: Codable, Sendable, Equatable {
    public let reader: String
    public let condition: ReadingCondition
    /// Patients this reader read in this condition (within the cohort analysed).
    public let patients: Int
    /// Accuracy (Wilson CI), per-class and macro recall, precision, F1, the confusion matrix.
    public let metrics: ClassificationMetrics
    /// Unweighted Cohen's kappa between the reader's calls and the true classes.
    public let kappaWithTruth: CohensKappaResult?
    public let kappaUndefinedReason: String?
}

/// Did AI assistance change a reader's accuracy? Exact McNemar on the paired correctness of the
/// unaided and AI-assisted calls of the same patients.
public struct AssistanceEffect: Codable, Sendable, Equatable {
    public let reader: String
    /// Patients read in both conditions.
    public let patients: Int
    public let unaidedCorrect: Int
    public let aidedCorrect: Int
    /// Patients whose call changed with AI (right to wrong, wrong to right, or wrong to wrong).
    public let changedCalls: Int
    /// b = right unaided, wrong with AI; c = wrong unaided, right with AI (statsmodels
    /// `mcnemar([[both right, b], [c, both wrong]], exact=True)`).
    public let mcnemar: McNemarResult
    public let unaidedAccuracy: Double
    public let aidedAccuracy: Double
    /// AI-assisted minus unaided accuracy (= (c - b) / patients).
    public let accuracyDifference: Double

    init(reader: String, patients: Int, unaidedCorrect: Int, aidedCorrect: Int, changedCalls: Int, mcnemar: McNemarResult) {
        self.reader = reader; self.patients = patients
        self.unaidedCorrect = unaidedCorrect; self.aidedCorrect = aidedCorrect
        self.changedCalls = changedCalls; self.mcnemar = mcnemar
        unaidedAccuracy = Double(unaidedCorrect) / Double(patients)
        aidedAccuracy = Double(aidedCorrect) / Double(patients)
        accuracyDifference = Double(aidedCorrect - unaidedCorrect) / Double(patients)
    }
}

/// Two readers' agreement in one condition, on the patients both read.
public struct ReaderAgreement: Codable, Sendable, Equatable {
    public let condition: ReadingCondition
    public let readerA: String
    public let readerB: String
    public let patients: Int
    /// Patients given the same call by both.
    public let agreed: Int
    /// Unweighted Cohen's kappa (sklearn `cohen_kappa_score`; SE and CI as statsmodels).
    public let kappa: CohensKappaResult?
    public let undefinedReason: String?
}

extension Array where Element: Hashable {
    /// The elements in order, each kept once.
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}

import Foundation
import SinoRandom

/// Deterministic SYNTHETIC reader-study reads for a (synthetic) cohort: radiologists who read
/// each held-out patient unaided and again with the AI model's output, roughly as in Wang et
/// al. (BMC Med Imaging 2025;25:56), where AI assistance raised the accuracy of both readers and
/// of the junior reader most. Documented in data-schema/READS.md; never patient data.
///
/// For each reader and patient of true class k:
/// - Unaided: correct with probability `recall[k]`, else a wrong class drawn with the weights of
///   `confusions[k]`. Correctness is `Phi(sqrt(rho) z + sqrt(1 - rho) e) < recall[k]`, with z a
///   per-patient difficulty shared by all readers and e the reader's own noise: the marginal
///   recall is exactly `recall[k]`, and readers tend to miss the same (hard) patients.
/// - AI-assisted: the reader mostly keeps the unaided call: a correct call is kept with
///   probability `1 - abandonCorrect` (else changed to a wrong class as above); a wrong call is
///   corrected with probability `correctWrong`.
///   Expected aided accuracy = a (1 - abandonCorrect) + (1 - a) correctWrong, a = unaided accuracy.
public struct ReaderSimulator: Sendable {
    /// One simulated radiologist.
    public struct Reader: Sendable, Equatable {
        public var name: String
        /// Unaided probability of the right call, per true class (class order).
        public var recall: [Double]
        /// Per true class, the weights of the wrong classes called (the diagonal is ignored).
        public var confusions: [[Double]]
        /// With AI: probability of turning a correct unaided call into a wrong one.
        public var abandonCorrect: Double
        /// With AI: probability of correcting a wrong unaided call.
        public var correctWrong: Double

        public init(name: String, recall: [Double], confusions: [[Double]], abandonCorrect: Double, correctWrong: Double) {
            self.name = name; self.recall = recall; self.confusions = confusions
            self.abandonCorrect = abandonCorrect; self.correctWrong = correctWrong
        }

        /// Wrong calls of each class (SCC, ACC, ONB): SCC is mostly mistaken for ACC, ACC for
        /// SCC, ONB for SCC (the commonest diagnosis).
        static let sinonasalConfusions: [[Double]] = [[0, 0.6, 0.4], [0.7, 0, 0.3], [0.6, 0.4, 0]]

        /// Senior radiologist: unaided accuracy about 0.75 at the study's class mix
        /// (0.49 SCC, 0.28 ACC, 0.23 ONB), about 0.82 with AI.
        public static let senior = Reader(
            name: "senior", recall: [0.80, 0.70, 0.72], confusions: sinonasalConfusions,
            abandonCorrect: 0.03, correctWrong: 0.37)
        /// Junior radiologist: unaided accuracy about 0.60, about 0.75 with AI.
        public static let junior = Reader(
            name: "junior", recall: [0.66, 0.52, 0.57], confusions: sinonasalConfusions,
            abandonCorrect: 0.03, correctWrong: 0.42)
    }

    public struct Settings: Sendable {
        public var readers: [Reader] = [.senior, .junior]
        /// The cohorts (splits) whose patients are read: the held-out patients a model is
        /// compared on. Empty = every patient.
        public var cohorts: [String] = ["validation", "test"]
        /// Share of the latent correctness variance common to all readers (rho above).
        public var sharedDifficulty: Double = 0.3
        public var seed: UInt64 = 20250056
        public init() {}

        /// The default readers with the study seed (the reads stream is derived from it, so it
        /// never repeats the cohort's).
        public init(seed: UInt64) { self.seed = seed }
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// Reads of the patients of `cohort` (a table as `CohortSimulator.table()` writes it: id,
    /// cohort and class columns named by `dictionary`), reader by reader, unaided before aided,
    /// patients in table order.
    public func reads(for cohort: CSVTable, dictionary: VariableDictionary = .sinonasal()) throws -> ReaderReads {
        let classes = ClassSet(dictionary.label.classes)
        guard let id = cohort.columnIndex(dictionary.idColumn), let label = cohort.columnIndex(dictionary.label.column) else {
            throw ValidationError(
                Problem(
                    file: cohort.source, message: "the cohort has no \(dictionary.idColumn) or \(dictionary.label.column) column",
                    expected: "a cohort written by CohortSimulator"))
        }
        let split = cohort.columnIndex(dictionary.cohortColumn ?? "cohort")
        var patients: [(id: String, label: Int)] = []
        for row in cohort.rows where settings.cohorts.isEmpty || split.map({ settings.cohorts.contains(row[$0]) }) == true {
            guard let k = classes.index(of: row[label]) else {
                throw ValidationError(
                    Problem(
                        file: cohort.source, column: dictionary.label.column, value: row[label],
                        message: "unknown class", expected: "one of \(classes.names.joined(separator: ", "))"))
            }
            patients.append((row[id], k))
        }
        try check(classCount: classes.count)
        return ReaderReads(classes: classes, reads: simulate(patients))
    }

    func check(classCount: Int) throws {
        for reader in settings.readers where reader.recall.count != classCount || reader.confusions.count != classCount {
            throw ValidationError(
                Problem(
                    message: "reader '\(reader.name)' has \(reader.recall.count) recalls for \(classCount) classes",
                    expected: "one recall and one row of confusions per class"))
        }
    }

    func simulate(_ patients: [(id: String, label: Int)]) -> [ReaderRead] {
        // A stream of its own (seed + a constant), so adding readers never changes the cohort.
        var generator = SeededGenerator(seed: settings.seed ^ 0x5EAD_5EAD_5EAD_5EAD)
        let difficulty = patients.map { _ in generator.normal() }
        let shared = settings.sharedDifficulty.squareRoot(), own = (1 - settings.sharedDifficulty).squareRoot()
        var reads: [ReaderRead] = []
        for reader in settings.readers {
            var unaided: [Int] = [], aided: [Int] = []
            for (p, patient) in patients.enumerated() {
                let k = patient.label
                let latent = shared * difficulty[p] + own * generator.normal()
                let correct = Self.normalCDF(latent) < reader.recall[k]
                let first = correct ? k : wrongCall(k, reader, &generator)
                unaided.append(first)
                if first == k {
                    aided.append(generator.bernoulli(reader.abandonCorrect) ? wrongCall(k, reader, &generator) : k)
                } else {
                    aided.append(generator.bernoulli(reader.correctWrong) ? k : first)
                }
            }
            for (condition, calls) in [(ReadingCondition.unaided, unaided), (.aided, aided)] {
                reads += zip(patients, calls).map { ReaderRead(patientId: $0.id, reader: reader.name, condition: condition, call: $1) }
            }
        }
        return reads
    }

    func wrongCall(_ k: Int, _ reader: Reader, _ generator: inout SeededGenerator) -> Int {
        var weights = reader.confusions[k]
        weights[k] = 0
        if weights.allSatisfy({ $0 <= 0 }) { weights = weights.indices.map { $0 == k ? 0 : 1 } }
        return generator.categorical(weights)
    }

    /// Phi(x) = erfc(-x / sqrt 2) / 2.
    static func normalCDF(_ x: Double) -> Double { erfc(-x / 2.0.squareRoot()) / 2 }
}

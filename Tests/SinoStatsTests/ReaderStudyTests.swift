import Foundation
import SinoData
import TestSupport
import Testing

@testable import SinoStats

/// Tests/Fixtures/readers/expected.json, written by scripts/peers/readers.py from
/// scikit-learn 1.9.1 and statsmodels 0.15.0 on the SYNTHETIC reads of
/// Tests/Fixtures/readers/reads.csv (decoded with JSONDecoder, which reads doubles exactly).
struct ReadersFixture: Decodable {
    struct Performance: Decodable {
        let reader, condition: String
        let patients: Int
        let accuracy: Double
        let accuracyWilson: [Double]
        let precision, recall, f1: [Double]
        let support: [Int]
        let macro: [String: Double]
        let confusion: [[Int]]
        let kappa, kappaStatsmodelsKappa, kappaStd: Double
        let kappaCi: [Double]
    }
    struct McNemar: Decodable {
        let reader: String
        let patients: Int
        let table: [[Int]]
        let statistic, pvalue: Double
    }
    struct Agreement: Decodable {
        let condition, readerA, readerB: String
        let patients, agreed: Int
        let kappa, kappaStatsmodelsKappa, kappaStd: Double
        let kappaCi: [Double]
    }
    struct Scope: Decodable {
        let cohort: String?
        let patients: Int
        let performance: [Performance]
        let mcnemar: [McNemar]
        let agreement: [Agreement]
    }
    let versions: [String: String]
    let classes: [String]
    let scopes: [Scope]

    static func load() throws -> ReadersFixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ReadersFixture.self, from: Data(contentsOf: Fixtures.url("readers/expected.json")))
    }

    var tool: String { "scikit-learn \(versions["scikit-learn"]!) / statsmodels \(versions["statsmodels"]!)" }

    /// The fixture's truth cohort (id, cohort and class columns only) and reads.
    static func inputs() throws -> (Cohort, ReaderReads) {
        let table = try CSVTable.read(path: Fixtures.url("readers/truth.csv").path)
        var dictionary = try KindInference.dictionary(for: table, labelColumn: "pathology", classOrder: ["SCC", "ACC", "ONB"]).0
        dictionary.variables = []
        let truth = try CohortLoader.load(table: table, dictionary: dictionary).cohort
        let reads = try ReaderReads.read(path: Fixtures.url("readers/reads.csv").path, classes: truth.classes, patients: Set(truth.ids))
        return (truth, reads)
    }
}

/// Expects |actual - expected| <= 1e-12 and keeps the largest absolute and relative
/// differences for the [compare] line.
struct AbsoluteDifference {
    private(set) var worst = 0.0
    private(set) var worstRelative = 0.0
    mutating func check(
        _ actual: Double?, _ expected: Double, _ what: @autoclosure () -> String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let actual else {
            Issue.record("\(what()): nil, expected \(expected)", sourceLocation: sourceLocation)
            return
        }
        let difference = abs(actual - expected)
        worst = max(worst, difference)
        if expected != 0 { worstRelative = max(worstRelative, difference / abs(expected)) }
        #expect(difference <= 1e-12, "\(what()): \(actual) vs \(expected)", sourceLocation: sourceLocation)
    }

    func report(_ what: String, tool: String) {
        reportComparison("\(what) (max abs diff \(String(format: "%.3g", worst)))", tool: tool, maxRelDiff: worstRelative)
    }
}

@Suite("Reader study")
struct ReaderStudyTests {
    @Test("per reader and condition: accuracy, Wilson CI, precision / recall / F1, confusion and kappa match scikit-learn and statsmodels")
    func performanceMatchesReferences() throws {
        let fixture = try ReadersFixture.load()
        let (truth, reads) = try ReadersFixture.inputs()
        var sklearn = AbsoluteDifference(), statsmodels = AbsoluteDifference()
        for scope in fixture.scopes {
            let study = try ReaderStudy.run(reads, truth: truth, cohort: scope.cohort)
            #expect(study.patients == scope.patients)
            #expect(study.performance.count == scope.performance.count)
            for expected in scope.performance {
                let what = "\(scope.cohort ?? "all") \(expected.reader) \(expected.condition)"
                let actual = try #require(study.performance.first { $0.reader == expected.reader && $0.condition.rawValue == expected.condition }, "\(what)")
                let m = actual.metrics
                #expect(actual.patients == expected.patients, "\(what)")
                #expect(m.confusion.counts == expected.confusion, "\(what)")
                #expect(m.perClass.map(\.support) == expected.support, "\(what)")
                sklearn.check(m.accuracy.value, expected.accuracy, "\(what) accuracy")
                statsmodels.check(m.accuracy.interval?.lower, expected.accuracyWilson[0], "\(what) Wilson lower")
                statsmodels.check(m.accuracy.interval?.upper, expected.accuracyWilson[1], "\(what) Wilson upper")
                for k in 0..<3 {
                    // sklearn zero_division=0.0: an undefined precision is 0 there, nil here.
                    sklearn.check(m.perClass[k].precision.value ?? 0, expected.precision[k], "\(what) precision \(k)")
                    sklearn.check(m.perClass[k].recall.value ?? 0, expected.recall[k], "\(what) recall \(k)")
                    sklearn.check(m.perClass[k].f1 ?? 0, expected.f1[k], "\(what) F1 \(k)")
                }
                sklearn.check(m.macro.precision, expected.macro["precision"]!, "\(what) macro precision")
                sklearn.check(m.macro.recall, expected.macro["recall"]!, "\(what) macro recall")
                sklearn.check(m.macro.f1, expected.macro["f1"]!, "\(what) macro F1")
                sklearn.check(actual.kappaWithTruth?.kappa, expected.kappa, "\(what) kappa")
                statsmodels.check(actual.kappaWithTruth?.kappa, expected.kappaStatsmodelsKappa, "\(what) kappa")
                statsmodels.check(actual.kappaWithTruth?.standardError, expected.kappaStd, "\(what) kappa SE")
                statsmodels.check(actual.kappaWithTruth?.interval.lower, expected.kappaCi[0], "\(what) kappa lower")
                statsmodels.check(actual.kappaWithTruth?.interval.upper, expected.kappaCi[1], "\(what) kappa upper")
            }
        }
        sklearn.report(
            "reader metrics (accuracy, per-class and macro precision/recall/F1, kappa with truth)",
            tool: "scikit-learn \(fixture.versions["scikit-learn"]!)")
        statsmodels.report("reader Wilson CI, kappa, std_kappa, kappa CI", tool: "statsmodels \(fixture.versions["statsmodels"]!)")
    }

    @Test("AI assistance: exact McNemar per reader matches statsmodels mcnemar(exact=True)")
    func mcnemarMatchesStatsmodels() throws {
        let fixture = try ReadersFixture.load()
        let (truth, reads) = try ReadersFixture.inputs()
        var difference = AbsoluteDifference()
        for scope in fixture.scopes {
            let study = try ReaderStudy.run(reads, truth: truth, cohort: scope.cohort)
            #expect(study.assistance.map(\.reader).sorted() == scope.mcnemar.map(\.reader).sorted())
            for expected in scope.mcnemar {
                let actual = try #require(study.assistance.first { $0.reader == expected.reader })
                let what = "\(scope.cohort ?? "all") \(expected.reader)"
                #expect(actual.patients == expected.patients, "\(what)")
                #expect(actual.mcnemar.b == expected.table[0][1] && actual.mcnemar.c == expected.table[1][0], "\(what)")
                #expect(actual.unaidedCorrect == expected.table[0][0] + expected.table[0][1], "\(what)")
                #expect(actual.aidedCorrect == expected.table[0][0] + expected.table[1][0], "\(what)")
                difference.check(actual.mcnemar.statistic, expected.statistic, "\(what) statistic")
                difference.check(actual.mcnemar.pValue, expected.pvalue, "\(what) p")
            }
        }
        difference.report("reader McNemar exact (statistic, p)", tool: "statsmodels \(fixture.versions["statsmodels"]!) mcnemar(exact=True)")
    }

    @Test("agreement: kappa between each pair of readers per condition, on the patients both read")
    func agreementMatchesReferences() throws {
        let fixture = try ReadersFixture.load()
        let (truth, reads) = try ReadersFixture.inputs()
        var difference = AbsoluteDifference()
        for scope in fixture.scopes {
            let study = try ReaderStudy.run(reads, truth: truth, cohort: scope.cohort)
            #expect(study.agreement.count == scope.agreement.count)
            for expected in scope.agreement {
                let what = "\(scope.cohort ?? "all") \(expected.condition) \(expected.readerA) vs \(expected.readerB)"
                let actual = try #require(
                    study.agreement.first {
                        $0.condition.rawValue == expected.condition && $0.readerA == expected.readerA && $0.readerB == expected.readerB
                    }, "\(what)")
                #expect(actual.patients == expected.patients && actual.agreed == expected.agreed, "\(what)")
                difference.check(actual.kappa?.kappa, expected.kappa, "\(what) sklearn kappa")
                difference.check(actual.kappa?.kappa, expected.kappaStatsmodelsKappa, "\(what) statsmodels kappa")
                difference.check(actual.kappa?.standardError, expected.kappaStd, "\(what) SE")
                difference.check(actual.kappa?.interval.lower, expected.kappaCi[0], "\(what) lower")
                difference.check(actual.kappa?.interval.upper, expected.kappaCi[1], "\(what) upper")
            }
        }
        difference.report("inter-reader kappa, SE and CI", tool: fixture.tool)
    }

    @Test("a reader who read in one condition only has performance but no McNemar; readers keep file order")
    func oneConditionReader() throws {
        let (truth, reads) = try ReadersFixture.inputs()
        let study = try ReaderStudy.run(reads, truth: truth)
        #expect(study.readers == reads.readers)
        #expect(study.performance.filter { $0.reader == "resident" }.map(\.condition) == [.unaided])
        #expect(!study.assistance.contains { $0.reader == "resident" })
        // The resident never calls ONB: its precision is undefined and reported.
        let resident = try #require(study.performance.first { $0.reader == "resident" })
        #expect(resident.metrics.perClass[2].precision.value == nil)
        #expect(resident.metrics.zeroDivisions.contains { $0.contains("precision (PPV) of class 2") })
    }

    @Test("an unknown cohort, a cohort nobody read and a kappa of one class are clear")
    func edgeCases() throws {
        let (truth, reads) = try ReadersFixture.inputs()
        #expect(throws: ValidationError.self) { try ReaderStudy.run(reads, truth: truth, cohort: "external") }
        let testIds = Set(zip(truth.ids, truth.splits!).filter { $0.1 == "test" }.map(\.0))
        let validationOnly = ReaderReads(classes: reads.classes, reads: reads.reads.filter { !testIds.contains($0.patientId) })
        #expect(throws: StatsError.self) { try ReaderStudy.run(validationOnly, truth: truth, cohort: "test") }
        // Two readers who call every patient SCC: kappa between them is 0 / 0, reported as undefined.
        let ids = Array(truth.ids.prefix(5))
        let allSCC = ReaderReads(
            classes: reads.classes,
            reads: ["a", "b"].flatMap { r in
                ids.map { ReaderRead(patientId: $0, reader: r, condition: .unaided, call: 0) }
            })
        let study = try ReaderStudy.run(allSCC, truth: truth)
        #expect(study.agreement.count == 1 && study.agreement[0].kappa == nil)
        #expect(study.agreement[0].undefinedReason?.contains("single class") == true)
        #expect(study.agreement[0].agreed == 5)
    }
}

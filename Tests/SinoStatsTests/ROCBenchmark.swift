import Foundation
import SinoStats
import TestSupport
import Testing

/// Timing for bench/roc.sh: on the study-sized case (93 patients x 3 classes,
/// Tests/Fixtures/roc_bench_93.csv), for each class one-vs-rest, DeLong's CI and a
/// 2,000-replicate stratified bootstrap CI, as bench/roc.R does with pROC.
/// Runs only when SINORAD_BENCH is set:
/// `SINORAD_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter ROCBenchmark`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SINORAD_BENCH"] != nil))
struct ROCBenchmark {
    static let repeats = 20

    @Test func deLongAndBootstrapPerClass() throws {
        let (labels, scores) = try Self.loadCase()
        var best = Double.infinity
        var checksum = 0.0
        for _ in 0..<Self.repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            checksum = try Self.analyse(labels: labels, scores: scores)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        #expect(checksum.isFinite && checksum > 0)
        print("[bench] roc sinorad_seconds \(String(format: "%.6f", best)) (best of \(Self.repeats); checksum \(checksum))")
    }

    /// DeLong + bootstrap CI for each class; returns the sum of the limits (keeps the work live).
    static func analyse(labels: [Int], scores: [[Double]]) throws -> Double {
        var sum = 0.0
        for k in 0..<3 {
            let column = scores.map { $0[k] }, isCase = labels.map { $0 == k }
            let delong = try #require(try DeLong.confidenceInterval(scores: column, isCase: isCase).value)
            let boot = try #require(
                try BootstrapAUC.confidenceInterval(
                    scores: column, isCase: isCase, options: .init(replicates: 2000, seed: UInt64(k + 1))
                ).value)
            sum += delong.lower + delong.upper + boot.lower + boot.upper
        }
        return sum
    }

    static func loadCase() throws -> ([Int], [[Double]]) {
        let text = try String(contentsOf: Fixtures.url("roc_bench_93.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        return (rows.map { Int($0[0])! }, rows.map { $0.dropFirst().map { Double($0)! } })
    }
}

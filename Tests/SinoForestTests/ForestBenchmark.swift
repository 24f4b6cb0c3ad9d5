import Foundation
import SinoForest
import Testing

/// Timing of ExtraTrees fit + predictProbabilities on the CSVs written by bench/forest.py.
/// Runs only when SINORAD_BENCH names the folder holding them (bench/forest.sh sets it), in a
/// release build: `SINORAD_BENCH=dir swift test -c release -Xswiftc -enable-testing --filter ForestBenchmark`.
@Suite("ForestBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["SINORAD_BENCH"] != nil))
struct ForestBenchmark {
    /// (file, trees) pairs as bench/forest.py writes them.
    static let cases = [("small.csv", 500), ("large.csv", 100)]

    @Test("ExtraTrees fit + predict_proba, 2 threads", arguments: cases)
    func extraTrees(file: String, trees: Int) throws {
        let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SINORAD_BENCH"]!)
        let (x, y) = try Self.readCSV(folder.appendingPathComponent(file))
        let classCount = (y.max() ?? 0) + 1
        var checksum: UInt64 = 0
        var best = Double.infinity, bestFit = Double.infinity, bestPredict = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            var model = ForestClassifier(.extraTrees, nEstimators: trees, seed: 0, threads: 2)
            try model.fit(x: x, y: y, classCount: classCount)
            let fitted = DispatchTime.now().uptimeNanoseconds
            let p = try model.predictProbabilities(x: x)
            let end = DispatchTime.now().uptimeNanoseconds
            best = min(best, Double(end - start) / 1e9)
            bestFit = min(bestFit, Double(fitted - start) / 1e9)
            bestPredict = min(bestPredict, Double(end - fitted) / 1e9)
            #expect(p.count == x.count)
            checksum = p.joined().reduce(into: UInt64(0)) {
                $0 = ($0 ^ $1.bitPattern) &* 0x9E37_79B9_7F4A_7C15; $0 ^= $0 >> 29
            }
        }
        print("[bench] \(file) sinorad_seconds \(String(format: "%.4f", best))")
        // Not matched by bench/forest.sh's '^\[bench\]': the split of the best runs into fit and predict.
        print("[bench-detail] \(file) fit_seconds \(String(format: "%.4f", bestFit)) predict_seconds \(String(format: "%.4f", bestPredict)) probabilities_hash \(String(checksum, radix: 16))")
    }

    /// Rows of numbers, header first; the last column is the class label.
    static func readCSV(_ url: URL) throws -> (x: [[Double]], y: [Int]) {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        var x: [[Double]] = [], y: [Int] = []
        for line in lines {
            let fields = line.split(separator: ",").map { Double($0)! }
            x.append(Array(fields.dropLast()))
            y.append(Int(fields.last!))
        }
        return (x, y)
    }
}

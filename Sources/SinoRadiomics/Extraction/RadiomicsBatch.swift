import Foundation
import SinoData

/// One case of a batch: the files, the label (nil: the parameters' label) and the columns of
/// the batch CSV that are passed through to the output.
public struct RadiomicsCase: Sendable, Equatable {
    /// How the case is named in progress lines and error messages ("row 4", "P012 T2WI").
    public var id: String
    public var image: String
    public var mask: String
    public var label: Int?
    /// Columns copied into the output row before the features, in order.
    public var passThrough: [(name: String, value: String)]

    public init(id: String, image: String, mask: String, label: Int? = nil, passThrough: [(name: String, value: String)] = []) {
        self.id = id
        self.image = image
        self.mask = mask
        self.label = label
        self.passThrough = passThrough
    }

    public static func == (a: RadiomicsCase, b: RadiomicsCase) -> Bool {
        a.id == b.id && a.image == b.image && a.mask == b.mask && a.label == b.label && a.passThrough.map(\.name) == b.passThrough.map(\.name)
            && a.passThrough.map(\.value) == b.passThrough.map(\.value)
    }

    /// The cases of a PyRadiomics batch CSV: columns `Image` and `Mask` (paths relative to the
    /// CSV's folder unless absolute), optional `Label`. Every column, these included, is passed
    /// through to the output as PyRadiomics' batch mode does.
    public static func batch(csv path: String) throws -> [RadiomicsCase] {
        let table = try CSVTable.read(path: path)
        guard let imageColumn = table.columnIndex("Image"), let maskColumn = table.columnIndex("Mask") else {
            let missing = ["Image", "Mask"].filter { table.columnIndex($0) == nil }
            throw RadiomicsError(
                .parameters, file: path,
                "has no \(missing.joined(separator: " or ")) column (its columns: \(table.header.joined(separator: ", "))); a batch CSV needs Image and Mask, Label is optional")
        }
        let labelColumn = table.columnIndex("Label")
        let base = (path as NSString).deletingLastPathComponent
        func resolve(_ file: String) -> String { file.hasPrefix("/") || base.isEmpty ? file : (base as NSString).appendingPathComponent(file) }
        var cases: [RadiomicsCase] = []
        var problems: [String] = []
        for (r, row) in table.rows.enumerated() {
            let line = table.lineNumbers[r]
            let image = row[imageColumn].trimmingCharacters(in: .whitespaces)
            let mask = row[maskColumn].trimmingCharacters(in: .whitespaces)
            if image.isEmpty { problems.append("row \(line), column Image: empty; expected an image path") }
            if mask.isEmpty { problems.append("row \(line), column Mask: empty; expected a mask path") }
            var label: Int?
            if let labelColumn {
                let text = row[labelColumn].trimmingCharacters(in: .whitespaces)
                if !text.isEmpty {
                    if let value = Int(text), value > 0 {
                        label = value
                    } else if let value = Double(text), value == value.rounded(), value > 0 {
                        label = Int(value)
                    } else {
                        problems.append("row \(line), column Label: '\(text)'; expected a whole number > 0 (or empty for the parameters' label)")
                    }
                }
            }
            let passThrough = table.header.indices.map { (table.header[$0], row[$0]) }
            cases.append(RadiomicsCase(id: "row \(line)", image: resolve(image), mask: resolve(mask), label: label, passThrough: passThrough))
        }
        guard problems.isEmpty else { throw RadiomicsError(.parameters, file: path, problems.joined(separator: "\n")) }
        guard !cases.isEmpty else { throw RadiomicsError(.parameters, file: path, "has no cases (a header and no rows)") }
        return cases
    }
}

/// Runs many cases on `jobs` threads. Results are stored by case, so the output does not depend
/// on the thread count; a failed case does not stop the others.
public enum RadiomicsBatch {
    /// Each case's result or error, in the cases' order. `progress` gets a line with the count,
    /// elapsed time and ETA about every 5 % of the cases (and at the end).
    public static func run(
        _ cases: [RadiomicsCase], extractor: RadiomicsExtractor, voxelBased: Bool = false, jobs: Int = 1, progress: (@Sendable (String) -> Void)? = nil
    ) -> [Result<RadiomicsResult, RadiomicsCaseError>] {
        let start = Date()
        let counter = ProgressCounter(total: cases.count, reports: 20)
        let masks = MaskCache(capacity: 2 * max(1, jobs) + 2)
        return ParallelLoop.map(count: cases.count, threads: max(1, jobs)) { i in
            let item = cases[i]
            let result: Result<RadiomicsResult, RadiomicsCaseError>
            do {
                let mask = try masks.read(item.mask)
                result = .success(
                    try extractor.execute(imagePath: item.image, mask: mask.image, maskPath: item.mask, label: item.label, voxelBased: voxelBased) {
                        mask.roiSlices(label: $0)
                    })
            } catch {
                result = .failure(RadiomicsCaseError(case: item.id, image: item.image, mask: item.mask, reason: "\(error)"))
            }
            if let done = counter.increment(), let progress {
                let seconds = Date().timeIntervalSince(start)
                let eta = Double(cases.count - done) * seconds / Double(done)
                progress(String(format: "radiomics: %d/%d cases, %.1f s elapsed, ETA %.0f s", done, cases.count, seconds, eta))
            }
            return result
        }
    }
}

/// The masks a batch read last, by path: a study's sequences share one mask per patient, read
/// once while it is in the cache, with the slices each label spans. An entry is used only while
/// its file's size and modification time are those it was read with.
final class MaskCache: @unchecked Sendable {
    /// A mask as read, and the slices holding each label asked for so far.
    final class Mask: @unchecked Sendable {
        let image: RadiomicsImage
        private let lock = NSLock()
        private var slices: [Int: ROISlices?] = [:]

        init(_ image: RadiomicsImage) { self.image = image }

        /// `RadiomicsExtractor.roiSlices(mask:label:)`, computed once per label.
        func roiSlices(label: Int) -> ROISlices? {
            lock.lock()
            defer { lock.unlock() }
            if let known = slices[label] { return known }
            let found = RadiomicsExtractor.roiSlices(mask: image, label: label)
            slices[label] = found
            return found
        }
    }

    private struct Entry {
        let path: String
        let size: UInt64
        let modified: Date
        let mask: Mask
    }
    private let lock = NSLock()
    private var entries: [Entry] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The mask at `path`, from the cache when the file is unchanged, else read (and kept).
    func read(_ path: String) throws -> Mask {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.uint64Value, let modified = attributes?[.modificationDate] as? Date else {
            return Mask(try RadiomicsImage.read(path))
        }
        lock.lock()
        let hit = entries.first { $0.path == path && $0.size == size && $0.modified == modified }
        lock.unlock()
        if let hit { return hit.mask }
        let mask = Mask(try RadiomicsImage.read(path))
        lock.lock()
        entries.removeAll { $0.path == path }
        entries.append(Entry(path: path, size: size, modified: modified, mask: mask))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        lock.unlock()
        return mask
    }
}

/// Why one case of a batch failed: the case, its files and the reason.
public struct RadiomicsCaseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var `case`: String
    public var image: String
    public var mask: String
    public var reason: String

    public var description: String { "\(self.case) (image \(image), mask \(mask)): \(reason)" }
}

/// Feature tables: one row per case, columns in first-seen order across the cases.
public enum RadiomicsTable {
    /// Header and rows: the pass-through columns, then every key (diagnostics only when
    /// `diagnostics` is true). A key a case lacks (another image type's diagnostics) is empty.
    public static func rows(_ results: [(RadiomicsCase, RadiomicsResult)], diagnostics: Bool) -> (header: [String], rows: [[String]]) {
        var passNames: [String] = []
        var keys: [String] = []
        var seenPass = Set<String>()
        var seenKeys = Set<String>()
        // A batch's cases mostly share one key sequence: a case whose (shown) keys are the last
        // case's adds none, and a case whose keys are the table's fills its row in order.
        var lastShown: [String] = []
        func shown(_ result: RadiomicsResult) -> [(key: String, value: RadiomicsValue)] {
            diagnostics ? result.entries : result.entries.filter { !$0.key.hasPrefix("diagnostics_") }
        }
        func same(_ entries: [(key: String, value: RadiomicsValue)], _ names: [String]) -> Bool {
            entries.count == names.count && zip(entries, names).allSatisfy { $0.key == $1 }
        }
        for (item, result) in results {
            for (name, _) in item.passThrough where seenPass.insert(name).inserted { passNames.append(name) }
            let entries = shown(result)
            if same(entries, lastShown) { continue }
            for (key, _) in entries where seenKeys.insert(key).inserted { keys.append(key) }
            lastShown = entries.map(\.key)
        }
        let rows = results.map { item, result -> [String] in
            let pass = Dictionary(item.passThrough.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            let passed = passNames.map { pass[$0] ?? "" }
            let entries = shown(result)
            if same(entries, keys) { return passed + entries.map(\.value.cell) }
            let values = Dictionary(entries.map { ($0.key, $0.value.cell) }, uniquingKeysWith: { a, _ in a })
            return passed + keys.map { values[$0] ?? "" }
        }
        return (passNames + keys, rows)
    }
}

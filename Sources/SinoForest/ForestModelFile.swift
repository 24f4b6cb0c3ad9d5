import Foundation
import SinoData

/// The SinoForest model file, version 1 (little-endian binary):
///
///     offset 0   16 bytes  format name "sinorad-forest", padded with NUL bytes
///     offset 16  UInt32    version (1)
///     offset 20  UInt32    L, the byte length of the JSON header that follows
///     offset 24  L bytes   JSON header: settings (hyper-parameters and splitter), classCount,
///                          featureCount, treeCount, outOfBagRows (0 when no OOB estimate)
///     then per tree        UInt32 nodeCount m; Int32 x m feature, left, right;
///                          Float64 x m threshold, impurity, weightedSampleCount;
///                          Float64 x (m * classCount) value (weighted class counts)
///     then, if OOB rows    Float64 accuracy; Float64 x (outOfBagRows * classCount) decision function
///
/// Doubles are stored bit for bit, so a loaded model predicts bit-identical probabilities.
/// Anything after the last expected byte, or missing before it, is an error.
enum ForestModelFile {
    static let formatName = "sinorad-forest"
    static let version: UInt32 = 1

    struct Header: Codable {
        var settings: ForestSettings
        var classCount: Int
        var featureCount: Int
        var treeCount: Int
        var outOfBagRows: Int
    }

    static func write(_ model: ForestModel, settings: ForestSettings, to url: URL) throws {
        var bytes = ByteWriter()
        var name = Array(formatName.utf8)
        name += Array(repeating: 0, count: 16 - name.count)
        bytes.append(name)
        bytes.append([version])
        let header = Header(
            settings: settings, classCount: model.classCount, featureCount: model.featureCount,
            treeCount: model.trees.count, outOfBagRows: model.outOfBagDecisionFunction?.count ?? 0)
        // Sorted keys: the same model gives the same bytes on every run.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        bytes.append([UInt32(json.count)])
        bytes.append(Array(json))
        for tree in model.trees { write(tree, to: &bytes) }
        if let oob = model.outOfBagDecisionFunction, let accuracy = model.outOfBagAccuracy {
            bytes.append([accuracy])
            bytes.append(oob.flatMap { $0 })
        }
        try AtomicFile.write(bytes.data, to: url.path)
    }

    private static func write(_ tree: DecisionTree, to bytes: inout ByteWriter) {
        bytes.append([UInt32(tree.nodeCount)])
        bytes.append(tree.feature); bytes.append(tree.left); bytes.append(tree.right)
        bytes.append(tree.threshold); bytes.append(tree.impurity); bytes.append(tree.weightedSampleCount)
        bytes.append(tree.value)
    }

    static func read(from url: URL) throws -> (ForestModel, ForestSettings) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ForestError.unreadableModelFile(path: path, problem: "\(error.localizedDescription)")
        }
        var reader = ByteReader(bytes: [UInt8](data), path: path)
        let name = String(decoding: try reader.bytes(16).prefix { $0 != 0 }, as: UTF8.self)
        guard name == formatName else {
            throw ForestError.unreadableModelFile(path: path, problem: "format name is \"\(name)\", expected \"\(formatName)\"")
        }
        let fileVersion: UInt32 = try reader.scalar()
        guard fileVersion == version else {
            throw ForestError.unreadableModelFile(path: path, problem: "version \(fileVersion) is unknown, expected \(version)")
        }
        let header = try readHeader(&reader)
        // Counts from the header are checked against the bytes that follow before anything is
        // allocated for them (a tree takes at least 4 + 44 bytes: one node).
        func bad(_ problem: String) -> ForestError { .unreadableModelFile(path: path, problem: problem) }
        guard (1...maximumClasses).contains(header.classCount), header.featureCount >= 1, header.treeCount >= 0, header.outOfBagRows >= 0 else {
            throw bad(
                "the header's counts are impossible (classCount \(header.classCount), featureCount \(header.featureCount), treeCount \(header.treeCount), outOfBagRows \(header.outOfBagRows)); expected 1 to \(maximumClasses) classes, at least 1 feature, no negative count"
            )
        }
        guard header.treeCount <= reader.remaining / 48 else {
            throw bad("the header announces \(header.treeCount) trees, more than the \(reader.remaining) bytes that follow can hold")
        }
        let trees = try (0..<header.treeCount).map { _ in try readTree(&reader, classCount: header.classCount, featureCount: header.featureCount) }
        var oob: [[Double]]? = nil
        var accuracy: Double? = nil
        if header.outOfBagRows > 0 {
            let stored: Double = try reader.scalar()
            accuracy = stored
            let (values, overflow) = header.outOfBagRows.multipliedReportingOverflow(by: header.classCount)
            guard !overflow else { throw bad("outOfBagRows \(header.outOfBagRows) x \(header.classCount) classes overflow") }
            let flat: [Double] = try reader.array(values)
            oob = (0..<header.outOfBagRows).map { Array(flat[($0 * header.classCount)..<(($0 + 1) * header.classCount)]) }
        }
        try reader.expectEnd()
        let model = ForestModel(
            classCount: header.classCount, featureCount: header.featureCount, trees: trees,
            outOfBagDecisionFunction: oob, outOfBagAccuracy: accuracy)
        return (model, header.settings)
    }

    private static func readHeader(_ reader: inout ByteReader) throws -> Header {
        let length: UInt32 = try reader.scalar()
        let json = try reader.bytes(Int(length))
        do { return try JSONDecoder().decode(Header.self, from: Data(json)) } catch {
            throw ForestError.unreadableModelFile(path: reader.path, problem: "JSON header is not a version 1 header (\(error))")
        }
    }

    /// At most this many classes in a model file (the header's classCount).
    static let maximumClasses = 1 << 16

    private static func readTree(_ reader: inout ByteReader, classCount: Int, featureCount: Int) throws -> DecisionTree {
        let m = Int(try reader.scalar() as UInt32)
        guard m >= 1 else { throw ForestError.unreadableModelFile(path: reader.path, problem: "a tree with no node") }
        var tree = DecisionTree(classCount: classCount)
        tree.feature = try reader.array(m); tree.left = try reader.array(m); tree.right = try reader.array(m)
        tree.threshold = try reader.array(m); tree.impurity = try reader.array(m)
        tree.weightedSampleCount = try reader.array(m)
        tree.value = try reader.array(m * classCount) // m < 2^32 and classCount <= 2^16: no overflow
        try checkLinks(tree, featureCount: featureCount, path: reader.path)
        return tree
    }

    /// The nodes must form one tree rooted at node 0: child ids point forward inside the tree,
    /// every node but the root has exactly one parent (shared children would make prediction's
    /// walk revisit subtrees, exponentially), and split features lie inside the row. A corrupt
    /// file must not crash or stall prediction.
    private static func checkLinks(_ tree: DecisionTree, featureCount: Int, path: String) throws {
        var parents = [UInt8](repeating: 0, count: tree.nodeCount)
        for node in 0..<tree.nodeCount where tree.left[node] >= 0 {
            let children = [tree.left[node], tree.right[node]]
            let ok = children.allSatisfy { $0 > node && Int($0) < tree.nodeCount }
            guard ok, tree.feature[node] >= 0, Int(tree.feature[node]) < featureCount else {
                throw ForestError.unreadableModelFile(path: path, problem: "tree node \(node) has invalid children or feature")
            }
            for child in children {
                parents[Int(child)] += 1
                guard parents[Int(child)] == 1, children[0] != children[1] else {
                    throw ForestError.unreadableModelFile(path: path, problem: "tree node \(child) has more than one parent")
                }
            }
        }
        if let orphan = (1..<max(1, tree.nodeCount)).first(where: { parents[$0] == 0 }) {
            throw ForestError.unreadableModelFile(path: path, problem: "tree node \(orphan) is not reached from the root")
        }
    }
}

/// Appends plain values as their little-endian bytes.
struct ByteWriter {
    var data = Data()
    mutating func append<T: BitwiseCopyable>(_ values: [T]) {
        values.withUnsafeBytes { data.append(contentsOf: $0) }
    }
}

/// Reads plain values back, failing with the file name and offset when bytes are missing.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    private(set) var offset = 0

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else {
            throw ForestError.unreadableModelFile(
                path: path, problem: "truncated: expected \(count) more bytes at offset \(offset), file has \(bytes.count) bytes")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - offset }

    mutating func array<T: BitwiseCopyable>(_ count: Int) throws -> [T] {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow, count >= 0 else {
            throw ForestError.unreadableModelFile(path: path, problem: "an array of \(count) values at offset \(offset) is impossible")
        }
        let raw = try bytes(size)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            raw.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = count
        }
    }

    mutating func scalar<T: BitwiseCopyable>() throws -> T { try array(1)[0] }

    func expectEnd() throws {
        guard offset == bytes.count else {
            throw ForestError.unreadableModelFile(path: path, problem: "\(bytes.count - offset) unexpected bytes after the model at offset \(offset)")
        }
    }
}

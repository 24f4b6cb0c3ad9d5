import CXGBoost
import Foundation

/// Calls into XGBoost's C API: every call returns 0 or -1, and on -1 `XGBGetLastError` holds
/// the library's message (thread-local, so it is read right away, on the failing thread).
enum XGBoostCall {
    static func check(_ status: Int32, _ function: String) throws {
        guard status != 0 else { return }
        let message = XGBGetLastError().map { String(cString: $0) } ?? "no message"
        throw ClassifierError.library(name: "XGBoost", function: function, message: message)
    }
}

/// An XGBoost `DMatrix` built from dense rows on `threads` threads, freed with `XGDMatrixFree`.
/// Values are rounded from Double to the nearest Float first (as numpy's astype(float32) and
/// XGBoost's own conversion of float64 input do); NaN is XGBoost's missing value.
final class XGBoostMatrix {
    let handle: DMatrixHandle
    let rowCount: Int

    init(rows: [[Double]], featureCount: Int, threads: Int) throws {
        var values: [Float] = []
        values.reserveCapacity(rows.count * featureCount)
        for row in rows { values.append(contentsOf: row.map { Float($0) }) }
        var handle: DMatrixHandle?
        try XGBoostCall.check(
            XGDMatrixCreateFromMat_omp(
                values, bst_ulong(rows.count), bst_ulong(featureCount), Float.nan, &handle, Int32(threads)),
            "XGDMatrixCreateFromMat_omp")
        guard let handle else {
            throw ClassifierError.library(name: "XGBoost", function: "XGDMatrixCreateFromMat_omp", message: "no matrix returned")
        }
        self.handle = handle
        rowCount = rows.count
    }

    /// Sets a per-row Float field ("label", "weight").
    func setField(_ field: String, _ values: [Float]) throws {
        try XGBoostCall.check(XGDMatrixSetFloatInfo(handle, field, values, bst_ulong(values.count)), "XGDMatrixSetFloatInfo(\(field))")
    }

    deinit { _ = XGDMatrixFree(handle) }
}

/// An XGBoost `Booster`, freed with `XGBoosterFree`.
///
/// `@unchecked Sendable` is safe because, once built (trained or loaded), the booster is only
/// used under `lock`: XGBoost's prediction writes to the booster's own caches and output
/// buffers, so predictions from several threads take turns, and the result is copied out
/// before the lock is released.
final class XGBoostBooster: @unchecked Sendable {
    private let handle: BoosterHandle
    private let lock = NSLock()

    /// A booster for `matrices` (none when a model is to be loaded).
    init(matrices: [XGBoostMatrix]) throws {
        var handles: [DMatrixHandle?] = matrices.map { $0.handle }
        var handle: BoosterHandle?
        try XGBoostCall.check(XGBoosterCreate(&handles, bst_ulong(handles.count), &handle), "XGBoosterCreate")
        guard let handle else {
            throw ClassifierError.library(name: "XGBoost", function: "XGBoosterCreate", message: "no booster returned")
        }
        self.handle = handle
    }

    deinit { _ = XGBoosterFree(handle) }

    func setParameter(_ name: String, _ value: String) throws {
        try XGBoostCall.check(XGBoosterSetParam(handle, name, value), "XGBoosterSetParam(\(name) = \(value))")
    }

    func updateOneIteration(_ iteration: Int, _ training: XGBoostMatrix) throws {
        try XGBoostCall.check(XGBoosterUpdateOneIter(handle, Int32(iteration), training.handle), "XGBoosterUpdateOneIter")
    }

    /// The model's predictions ("type": 0, i.e. probabilities for the classifiers' objectives)
    /// with every tree, copied out of XGBoost's buffer.
    func predict(_ matrix: XGBoostMatrix) throws -> [Float] {
        let config = #"{"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false}"#
        return try lock.withLock {
            var shape: UnsafePointer<bst_ulong>?
            var dimension: bst_ulong = 0
            var result: UnsafePointer<Float>?
            try XGBoostCall.check(
                XGBoosterPredictFromDMatrix(handle, matrix.handle, config, &shape, &dimension, &result),
                "XGBoosterPredictFromDMatrix")
            guard let shape, let result else {
                throw ClassifierError.library(name: "XGBoost", function: "XGBoosterPredictFromDMatrix", message: "no result returned")
            }
            let count = (0..<Int(dimension)).reduce(1) { $0 * Int(shape[$1]) }
            return Array(UnsafeBufferPointer(start: result, count: count))
        }
    }

    /// Writes the model (JSON when the path ends in .json, XGBoost's own rule).
    func save(to path: String) throws {
        try lock.withLock { try XGBoostCall.check(XGBoosterSaveModel(handle, path), "XGBoosterSaveModel(\(path))") }
    }

    /// Reads a model written by `save(to:)` into this (new) booster.
    func load(from path: String) throws {
        try lock.withLock { try XGBoostCall.check(XGBoosterLoadModel(handle, path), "XGBoosterLoadModel(\(path))") }
    }

    /// The booster's effective configuration (`XGBoosterSaveJsonConfig`), JSON text.
    func configuration() throws -> String {
        try lock.withLock {
            var length: bst_ulong = 0
            var text: UnsafePointer<CChar>?
            try XGBoostCall.check(XGBoosterSaveJsonConfig(handle, &length, &text), "XGBoosterSaveJsonConfig")
            guard let text else { return "{}" }
            let bytes = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(length)), as: UTF8.self)
        }
    }
}

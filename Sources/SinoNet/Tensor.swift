/// One Float32 allocation. Tensors are views into a storage and keep it alive, so a pointer
/// taken from a tensor stays valid while the tensor is in use (no dangling arena views).
public final class TensorStorage {
    public let base: UnsafeMutablePointer<Float>
    public let count: Int

    /// Allocates `count` floats, zero-filled.
    public init(count: Int) {
        precondition(count >= 0, "storage size must be non-negative, got \(count)")
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    deinit { base.deallocate() }
}

/// A contiguous NCHW Float32 tensor: a shape and a view into a `TensorStorage`.
///
/// A `Tensor` has reference semantics for its data, like a PyTorch tensor: copying the
/// struct shares the storage. A standalone tensor owns a storage of its own; an `Arena`
/// carves many named tensors out of one storage.
///
///     let x = Tensor(Shape(2, 3, 16, 16))            // zeros
///     let w = Tensor(Shape(4, 3), values: weights)    // from an array, C order
public struct Tensor {
    public let storage: TensorStorage
    public let offset: Int
    public let shape: Shape

    /// A view of `shape.count` floats starting at `offset` in `storage`.
    public init(storage: TensorStorage, offset: Int, shape: Shape) {
        precondition(
            offset >= 0 && offset + shape.count <= storage.count,
            "view \(shape) at offset \(offset) exceeds storage of \(storage.count) floats")
        self.storage = storage
        self.offset = offset
        self.shape = shape
    }

    /// A zero-filled tensor with a storage of its own.
    public init(_ shape: Shape) {
        self.init(storage: TensorStorage(count: shape.count), offset: 0, shape: shape)
    }

    /// A tensor holding `values` (C order); `values.count` must equal `shape.count`.
    public init(_ shape: Shape, values: [Float]) {
        precondition(
            values.count == shape.count,
            "\(values.count) values given for shape \(shape) (\(shape.count) expected)")
        self.init(shape)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    /// Pointer to the first element.
    public var data: UnsafeMutablePointer<Float> { storage.base + offset }
    public var count: Int { shape.count }
    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: data, count: count) }

    /// The elements in C order (a copy).
    public var values: [Float] { Array(buffer) }

    public subscript(index: Int) -> Float {
        get { data[index] }
        nonmutating set { data[index] = newValue }
    }

    /// The same data with another shape of equal element count (e.g. [N, C, 1, 1] as [N, C]).
    public func reshaped(_ newShape: Shape) -> Tensor {
        precondition(newShape.count == shape.count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(storage: storage, offset: offset, shape: newShape)
    }

    /// Images `n ..< n + count` of a batch (first dimension), sharing the storage.
    public func batchSlice(_ n: Int, count sliceCount: Int = 1) -> Tensor {
        let batch = shape.dimensions[0]
        precondition(n >= 0 && n + sliceCount <= batch, "batch slice \(n)..<\(n + sliceCount) of \(shape)")
        var dims = shape.dimensions
        dims[0] = sliceCount
        let per = shape.count / Swift.max(batch, 1)
        return Tensor(storage: storage, offset: offset + n * per, shape: Shape(dims))
    }

    public func fill(_ value: Float) { data.update(repeating: value, count: count) }
    public func zero() { fill(0) }

    /// Copies `source` (same element count) into this tensor.
    public func copy(from source: Tensor) {
        precondition(source.count == count, "copy of \(source.shape) into \(shape)")
        data.update(from: source.data, count: count)
    }

    /// max |x| over the elements (NaN if any element is NaN).
    public var maxMagnitude: Float {
        var m: Float = 0
        for i in 0..<count {
            let a = Swift.abs(data[i])
            m = a.isNaN ? .nan : Swift.max(m, a)
        }
        return m
    }

    /// max |self - other| and max |other|, for parity reports.
    public func maxAbsDifference(to other: Tensor) -> (diff: Float, scale: Float) {
        precondition(other.count == count, "comparing \(shape) with \(other.shape)")
        var diff: Float = 0, scale: Float = 0
        for i in 0..<count {
            let d = Swift.abs(data[i] - other.data[i])
            diff = d.isNaN ? .nan : Swift.max(diff, d)
            scale = Swift.max(scale, Swift.abs(other.data[i]))
        }
        return (diff, scale)
    }
}

extension Shape {
    /// Dimension `i` (0 = batch, 1 = channels, 2 = height, 3 = width for NCHW).
    public subscript(i: Int) -> Int { dimensions[i] }
}

/// The plan of an arena: named shapes laid out one after another (llm.c's
/// `ParameterTensors` / `ActivationTensors`, but with names instead of struct fields).
///
///     var layout = ArenaLayout()
///     layout.add("0.weight", Shape(8, 3, 3, 3))
///     layout.add("1.weight", Shape(8))
///     let parameters = Arena(layout)      // one allocation
///     let gradients = Arena(layout)       // same names, same offsets
///
/// Names follow torchvision's state_dict keys so loading weights is a lookup.
public struct ArenaLayout: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let shape: Shape
        public let offset: Int
    }

    /// Views start on 16-float (64-byte) boundaries: a cache line, an AVX-512 register.
    public static let alignment = 16

    public private(set) var entries: [Entry] = []
    public private(set) var index: [String: Int] = [:]
    /// Total floats, including alignment padding.
    public private(set) var count = 0

    public init() {}

    /// Appends a view; names must be unique.
    public mutating func add(_ name: String, _ shape: Shape) {
        precondition(index[name] == nil, "arena already has a view named \(name)")
        let offset = (count + Self.alignment - 1) / Self.alignment * Self.alignment
        index[name] = entries.count
        entries.append(Entry(name: name, shape: shape, offset: offset))
        count = offset + shape.count
    }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// Floats actually used by views (without padding).
    public var elementCount: Int { entries.reduce(0) { $0 + $1.shape.count } }
}

/// One allocation carved into the named views of an `ArenaLayout`.
public struct Arena {
    public let layout: ArenaLayout
    public let storage: TensorStorage

    /// Allocates the arena, zero-filled.
    public init(_ layout: ArenaLayout) {
        self.layout = layout
        storage = TensorStorage(count: layout.count)
    }

    /// The view named `name`; a missing name is a programming error.
    public subscript(name: String) -> Tensor {
        guard let i = layout.index[name] else {
            preconditionFailure("arena has no view named \(name); it has \(layout.entries.map(\.name))")
        }
        let entry = layout.entries[i]
        return Tensor(storage: storage, offset: entry.offset, shape: entry.shape)
    }

    /// Every view in layout order, with its name.
    public var views: [(name: String, tensor: Tensor)] {
        layout.entries.map { ($0.name, Tensor(storage: storage, offset: $0.offset, shape: $0.shape)) }
    }

    /// Zeroes the whole allocation (e.g. gradients before a backward pass).
    public func zero() { storage.base.update(repeating: 0, count: storage.count) }
}

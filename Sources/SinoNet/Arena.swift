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

    /// A view whose lifetime is known: it is first touched at step `first` and last at step
    /// `last` (inclusive) of some schedule.
    public struct Lifetime: Sendable {
        public let name: String
        public let shape: Shape
        public let first: Int
        public let last: Int

        public init(name: String, shape: Shape, first: Int, last: Int) {
            precondition(first <= last, "\(name): lifetime \(first)...\(last) is empty")
            self.name = name
            self.shape = shape
            self.first = first
            self.last = last
        }
    }

    /// Lays out views so that two of them share memory only when their lifetimes do not
    /// overlap (the activation-memory plan of an inference engine). Greedy first fit, largest
    /// views first (ties: earlier first use, then name), each at the lowest aligned offset
    /// that overlaps no placed view alive at the same time. Deterministic.
    /// Entries are kept in the order given, so `entries` still reads like a network.
    public static func packed(_ lifetimes: [Lifetime]) -> ArenaLayout {
        let order = lifetimes.indices.sorted { a, b in
            let (x, y) = (lifetimes[a], lifetimes[b])
            if x.shape.count != y.shape.count { return x.shape.count > y.shape.count }
            if x.first != y.first { return x.first < y.first }
            return x.name < y.name
        }
        var offsets = [Int](repeating: 0, count: lifetimes.count)
        var placed: [Int] = []
        for i in order {
            let v = lifetimes[i]
            let conflicts = placed.filter { j in
                lifetimes[j].first <= v.last && v.first <= lifetimes[j].last
            }.map { (offsets[$0], offsets[$0] + lifetimes[$0].shape.count) }.sorted { $0.0 < $1.0 }
            var offset = 0
            for (start, end) in conflicts {
                if offset + v.shape.count <= start { break }
                offset = max(offset, (end + alignment - 1) / alignment * alignment)
            }
            offsets[i] = offset
            placed.append(i)
        }
        var layout = ArenaLayout()
        for (i, v) in lifetimes.enumerated() { layout.place(v.name, v.shape, at: offsets[i]) }
        return layout
    }

    /// Places a view at a given (aligned) offset; views may overlap (see `packed`).
    mutating func place(_ name: String, _ shape: Shape, at offset: Int) {
        precondition(index[name] == nil, "arena already has a view named \(name)")
        precondition(offset % Self.alignment == 0, "offset \(offset) of \(name) is not aligned")
        index[name] = entries.count
        entries.append(Entry(name: name, shape: shape, offset: offset))
        count = max(count, offset + shape.count)
    }

    /// Floats of all views together (without padding; more than `count` when views share memory).
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

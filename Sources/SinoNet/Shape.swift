/// A tensor shape in NCHW order (batch, channels, height, width); lower-rank tensors use
/// fewer dimensions (a Linear layer's activations are [N, features]).
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var dimensions: [Int]

    public init(_ dimensions: Int...) { self.dimensions = dimensions }
    public init(_ dimensions: [Int]) { self.dimensions = dimensions }

    /// Number of elements.
    public var count: Int { dimensions.reduce(1, *) }
    public var rank: Int { dimensions.count }
    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }
}

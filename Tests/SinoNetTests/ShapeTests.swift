import Testing

@testable import SinoNet

@Suite("Shape")
struct ShapeTests {
    @Test("element count and description of an NCHW shape")
    func count() {
        let shape = Shape(2, 3, 32, 32)
        #expect(shape.count == 6144)
        #expect(shape.rank == 4)
        #expect(shape.description == "[2, 3, 32, 32]")
    }
}

import Testing

@testable import SinoImaging

@Suite struct VolumeTests {
    @Test func indexingIsXFastest() {
        var v = Volume(
            shape: [2, 3, 4], spacing: [1, 1, 1],
            affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
            voxels: [Float](repeating: 0, count: 24))
        v[1, 2, 3] = 7
        #expect(v.voxels[1 + 2 * (2 + 3 * 3)] == 7)
        #expect(v.index(1, 0, 0) == 1 && v.index(0, 1, 0) == 2 && v.index(0, 0, 1) == 6)
        var w = v
        #expect(v.sameGrid(as: w))
        w.affine[0][3] = 0.5
        #expect(!v.sameGrid(as: w))
    }
}

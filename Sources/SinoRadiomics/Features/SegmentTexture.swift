/// A texture engine that computes a whole ROI's features from its zero-padded levels
/// (GLSZM, GLDM, NGTDM; segment-based extraction).
protocol PaddedSegmentEngine: AnyObject {
    var levelMap: LevelMap { get }
    var angles: [Int] { get }
    func segmentFeatures(_ padded: PaddedLevels, m: Int, into out: inout [Double])
    func deallocate()
}

/// The segment-based `compute` the padded engines share: from the discretised box, build the
/// engine on its levels, compute every feature, return those asked for.
enum SegmentTexture {
    static func compute<Engine: PaddedSegmentEngine>(
        _ box: ROIBox, discretised: DiscretisedROI, settings: RadiomicsSettings, names: [String], all: [String], kind: FeatureClassKind,
        engine make: (TextureArray) throws -> Engine
    ) throws -> [Double] {
        let wanted = try FeatureSelection.indices(names, all: all, kind: kind)
        let array = try TextureArray(shape: box.shape, levels: discretised.levels, mask: box.mask, grayLevels: discretised.grayLevels, ng: discretised.ng)
        let engine = try make(array)
        defer { engine.deallocate() }
        engine.levelMap.useAll(array.grayLevels)
        var out = [Double](repeating: .nan, count: all.count)
        engine.segmentFeatures(PaddedLevels(array, angles: engine.angles), m: array.grayLevels.count, into: &out)
        return wanted.map { out[$0] }
    }
}

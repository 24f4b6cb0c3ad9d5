import Foundation
import TestSupport

/// One `Tests/Fixtures/nifti/<name>.json`, written by scripts/peers/nifti.py: what nibabel
/// reads from `file` (header fields as stored, `img.affine`, the three transforms, voxel
/// statistics and sampled values of `get_fdata()`, and the same for `as_closest_canonical`).
struct NibabelFixture: Decodable {
    struct Header: Decodable {
        let sizeofHdr: Int
        let magic: String
        let endianness: String
        let datatype: Int
        let bitpix: Int
        let dim: [Int]
        let pixdim: [Double]
        let voxOffset: Double
        let sclSlope: Double? // null when NaN
        let sclInter: Double?
        let qformCode: Int
        let sformCode: Int
        let quatern: [Double]
        let qoffset: [Double]
        let srowX: [Double]
        let srowY: [Double]
        let srowZ: [Double]
        let xyztUnits: Int
        let descrip: String
    }

    struct Stats: Decodable {
        let sum: Double, min: Double, max: Double, mean: Double
        let count: Int
    }

    struct Sample: Decodable {
        let index: [Int]
        let value: Double
    }

    struct Canonical: Decodable {
        let ornt: [[Int]]
        let shape: [Int]
        let affine: [[Double]]
        let axcodes: String
        let zooms: [Double]
        let qformCode: Int
        let sformCode: Int
        let stats: Stats
        let samples: [Sample]
    }

    let file: String
    let note: String
    let `class`: String
    let header: Header
    let shape: [Int]
    let zooms: [Double]
    let dataDtype: String
    let slope: Double
    let inter: Double
    let affine: [[Double]]
    let sform: [[Double]]
    let qform: [[Double]]
    let baseAffine: [[Double]]
    let axcodes: String
    let stats: Stats
    let samples: [Sample]
    let canonical: Canonical?
    let versions: [String: String]

    var tool: String { "nibabel \(versions["nibabel"] ?? "?")" }
    var path: String { Fixtures.url("nifti/\(file)").path }

    static func load(_ fixture: String) throws -> NibabelFixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(NibabelFixture.self, from: Data(contentsOf: Fixtures.url("nifti/\(fixture)")))
    }

    /// The fixture names listed in `nifti/index.json`.
    static func names() -> [String] {
        guard let index = try? Fixtures.json("nifti/index.json"), let cases = index["cases"] as? [[String: Any]] else { return [] }
        return cases.compactMap { $0["fixture"] as? String }
    }
}

/// Linear index (x fastest) of a voxel.
func linearIndex(_ index: [Int], _ shape: [Int]) -> Int {
    var linear = 0
    for axis in stride(from: index.count - 1, through: 0, by: -1) { linear = linear * shape[axis] + index[axis] }
    return linear
}

func maxAbsDiff(_ a: [[Double]], _ b: [[Double]]) -> Double {
    zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
}

func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
    a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
}

func printComparison(_ what: String, tool: String, maxAbsDiff: Double) {
    print("[compare] \(what) vs \(tool): max abs diff \(String(format: "%.3g", maxAbsDiff))")
}

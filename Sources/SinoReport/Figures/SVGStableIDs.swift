/// cairo's SVG surface names its page group `surface<N>` and embedded bitmaps `image<N>` with
/// N from process-wide counters, so the second render of the same figure would differ.
/// Renumbering those ids in order of first appearance makes SVG output byte-identical; glyph
/// and clip ids are already per document.
enum SVGStableIDs {
    static func renumber(_ svg: [UInt8]) -> [UInt8] {
        let text = String(decoding: svg, as: UTF8.self)
        var numbers: [Substring: Int] = [:]
        var stable = text.replacing(/surface(\d+)/) { match in
            let n = numbers[match.1] ?? (numbers.count + 1)
            numbers[match.1] = n
            return "surface\(n)"
        }
        // Only as an id or a reference, never inside the base64 data of an image.
        var images: [Substring: Int] = [:]
        stable = stable.replacing(/(id="|href="#)image(\d+)"/) { match in
            let n = images[match.2] ?? (images.count + 1)
            images[match.2] = n
            return "\(match.1)image\(n)\""
        }
        return Array(stable.utf8)
    }
}

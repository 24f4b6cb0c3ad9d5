/// cairo's SVG surface names its page group `surface<N>` with N from a process-wide counter,
/// so the second render of the same figure would differ. Renumbering those ids in order of
/// first appearance makes SVG output byte-identical; glyph and clip ids are already per document.
enum SVGStableIDs {
    static func renumber(_ svg: [UInt8]) -> [UInt8] {
        let text = String(decoding: svg, as: UTF8.self)
        var numbers: [Substring: Int] = [:]
        let stable = text.replacing(/surface(\d+)/) { match in
            let n = numbers[match.1] ?? (numbers.count + 1)
            numbers[match.1] = n
            return "surface\(n)"
        }
        return Array(stable.utf8)
    }
}

import Testing

@testable import SinoReport

@Suite("Table rendering")
struct TableRenderingTests {
    let table: Table = {
        var t = Table(title: "T2 & ADC: 50% <0.001", columns: ["Variable", "p"])
        t.append(["Signal", "<0.001"], style: .heading)
        t.append(["High_T2", "0.045"], style: .indented)
        t.footnotes = ["n = 3, \"quoted\""]
        return t
    }()

    @Test("LaTeX escapes special characters and uses booktabs rules")
    func latex() {
        let tex = table.latex()
        #expect(tex.contains("\\caption{T2 \\& ADC: 50\\% \\textless{}0.001}"))
        #expect(tex.contains("\\quad High\\_T2 & 0.045 \\\\"))
        #expect(tex.contains("\\toprule") && tex.contains("\\midrule") && tex.contains("\\bottomrule"))
    }

    @Test("CSV quotes fields with commas or quotes and indents levels")
    func csv() {
        #expect(table.csv() == "Variable,p\nSignal,<0.001\n    High_T2,0.045\n")
    }

    @Test("HTML escapes text and marks row styles")
    func html() {
        let html = table.html()
        #expect(html.contains("<caption>T2 &amp; ADC: 50% &lt;0.001</caption>"))
        #expect(html.contains("<tr class=\"indented\"><th scope=\"row\">High_T2</th><td>0.045</td></tr>"))
    }

    @Test("Markdown escapes pipes and bolds headings")
    func markdown() {
        var t = Table(title: "a|b", columns: ["x", "y"])
        t.append(["h", "1|2"], style: .heading)
        let md = t.markdown()
        #expect(md.contains("**a\\|b**"))
        #expect(md.contains("| **h** | 1\\|2 |"))
    }

    @Test("p-values: '<0.001' below 0.001, three decimals otherwise")
    func pValues() {
        #expect(NumberFormat.pValue(0.0009999) == "<0.001")
        #expect(NumberFormat.pValue(0.001) == "0.001")
        #expect(NumberFormat.pValue(0.04449) == "0.044")
        #expect(NumberFormat.pValue(nil) == "—")
        #expect(NumberFormat.ratio(1234) == ">999")
    }
}

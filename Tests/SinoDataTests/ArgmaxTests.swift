import SinoData
import Testing

@Suite("argmax")
struct ArgmaxTests {
    @Test("the first maximum, as numpy.argmax")
    func firstMaximum() {
        #expect(argmax([0.4, 0.4, 0.2]) == 0)
        #expect(argmax([0.2, 0.4, 0.4]) == 1)
        #expect(argmax([0.1, 0.2, 0.7]) == 2)
        #expect(argmax([3, 1, 3, 2]) == 0)
        #expect(argmax([-1.0]) == 0)
        #expect(argmax([Float(0.1), 0.3, 0.3]) == 1)
        #expect(argmax([Double]()) == 0)
        #expect(argmax([-Double.infinity, -1e300]) == 1)
    }

    @Test("NaN: kept at index 0, skipped elsewhere (as SinoRad's argmaxes always did)")
    func notANumber() {
        #expect(argmax([.nan, 1.0, 2.0]) == 0)
        #expect(argmax([1.0, .nan, 2.0]) == 2)
        #expect(argmax([2.0, .nan, 1.0]) == 0)
    }
}

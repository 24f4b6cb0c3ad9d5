import SinoRandom
import Testing

@testable import SinoNet

@Suite("SinoNet memory plan")
struct MemoryPlanTests {
    @Test("packed layout: views alive at the same step never overlap; dead views share memory")
    func packedLayoutIsSafe() {
        var generator = SplitMix64(seed: 11)
        var lifetimes: [ArenaLayout.Lifetime] = []
        for i in 0..<200 {
            let first = Int(generator.next() % 60), length = Int(generator.next() % 12)
            lifetimes.append(
                .init(
                    name: "v\(i)", shape: Shape(1 + Int(generator.next() % 500)),
                    first: first, last: first + length))
        }
        let layout = ArenaLayout.packed(lifetimes)
        #expect(layout.entries.map(\.name) == lifetimes.map(\.name))
        for (i, a) in lifetimes.enumerated() {
            let ea = layout.entries[i]
            #expect(ea.offset % ArenaLayout.alignment == 0 && ea.shape == a.shape)
            for (j, b) in lifetimes.enumerated() where j > i && a.first <= b.last && b.first <= a.last {
                let eb = layout.entries[j]
                #expect(
                    ea.offset + a.shape.count <= eb.offset || eb.offset + b.shape.count <= ea.offset,
                    "\(a.name) and \(b.name) are alive together but overlap")
            }
        }
        // Peak live size is a lower bound; sharing must beat laying everything end to end.
        let peak = (0..<72).map { t in lifetimes.filter { $0.first <= t && t <= $0.last }.reduce(0) { $0 + $1.shape.count } }.max()!
        #expect(layout.count >= peak && layout.count < layout.elementCount / 2)
    }

    @Test(
        "ResNet-50 and DenseNet-121 at 224: inference activations and training activation gradients share memory",
        arguments: ["resnet50", "densenet121"])
    func networksArePacked(arch: String) {
        func make(_ trainable: Bool) -> ImageClassifier {
            let shape = Shape(2, 3, 224, 224)
            return arch == "resnet50"
                ? ImageClassifier(ResNet.resnet50, inputShape: shape, classes: 3, trainable: trainable)
                : ImageClassifier(DenseNet.densenet121, inputShape: shape, classes: 3, trainable: trainable)
        }
        let training = make(true), inference = make(false)
        let full = training.activations.layout.count
        // Inference keeps a few live maps at a time: far less than every activation.
        #expect(inference.activations.layout.count * 4 < full)
        // Backward keeps every activation but only the gradients alive at each step.
        #expect(training.activationGradients.layout.count * 2 < full)
    }
}

import Dispatch
import Foundation
import SinoData
import Testing

@testable import SinoNet

/// Per-layer timing of Winograd against im2col + GEMM for the 3 x 3 stride-1 layers of
/// ResNet-50 and DenseNet-121 at 224 x 224 and ResNet-18 at 64 x 64 (the demo's), at batch 1
/// and 16 on 2 threads. Runs only when SINORAD_BENCH is
/// set; prints `[bench]` lines, asserts nothing about speed.
@Suite("WinogradBenchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["SINORAD_BENCH"] != nil))
struct WinogradBenchmark {
    @Test("3 x 3 layers: Winograd vs GEMM, ms per forward")
    func layers() {
        let shapes: [(String, Int, Int, Int)] = [
            ("resnet layer1", 64, 64, 56), ("resnet layer2", 128, 128, 28), ("resnet layer3", 256, 256, 14), ("resnet layer4", 512, 512, 7),
            ("densenet block1", 128, 32, 56), ("densenet block2", 128, 32, 28), ("densenet block3", 128, 32, 14), ("densenet block4", 128, 32, 7),
            ("resnet18 at 64 layer1", 64, 64, 16), ("resnet18 at 64 layer2", 128, 128, 8), ("resnet18 at 64 layer3", 256, 256, 4), ("resnet18 at 64 layer4", 512, 512, 2)
        ]
        let workers = Workers(2)
        for batch in [1, 16] {
            for (name, c, o, size) in shapes {
                let conv = Conv2d(inChannels: c, outChannels: o, kernelSize: 3, padding: 1, bias: false)
                let x = LayerUnitTests.random(Shape(batch, c, size, size), seed: 1), w = LayerUnitTests.random(conv.weightShape, seed: 2)
                let y = Tensor(conv.outputShape(for: x.shape))
                let workspace = Tensor(Shape(max(conv.workspaceCount(for: x.shape, threads: 2), 16 * (c * o + 1) * 64 * 1024 / 1024)))
                func time(_ winograd: Bool) -> Double {
                    var best = Double.infinity
                    for _ in 0..<5 {
                        let start = DispatchTime.now().uptimeNanoseconds
                        OpenBLASThreads.one {
                            conv.forward(
                                input: x, weight: w, bias: nil, output: y, workspace: workspace, allowPointwise: true, algorithm: winograd ? .winogradWherePossible : .gemm,
                                workers: workers)
                        }
                        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    }
                    return best
                }
                let gemm = time(false), wino = time(true)
                print(String(format: "[bench] winograd %@ batch %d: gemm %.2f ms, winograd %.2f ms, ratio %.2fx", name, batch, gemm, wino, gemm / wino))
            }
        }
    }
}

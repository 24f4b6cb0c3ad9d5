import CSinoKernels
import Foundation
import SinoRandom
import Testing

@testable import SinoSelection

/// The vector kernels under glmnet's coordinate descent (CSinoKernels/glmnet.c): each against a
/// plain loop, and a whole pass against the same pass taken one column at a time, which is what
/// it replaced (the grouped products of zero coefficients must not change a bit).
@Suite("glmnet vector kernels")
struct GLMNetKernelTests {
    static func values(_ count: Int, _ random: inout SplitMix64, zeros: Double = 0) -> [Double] {
        (0..<count).map { _ in Double.random(in: 0..<1, using: &random) < zeros ? 0 : Double.random(in: -2...2, using: &random) }
    }

    @Test("dot products and weighted squares of every length agree with a plain sum to rounding; the update is exact")
    func kernels() {
        var random = SplitMix64(seed: 11)
        for n in Array(0...70) + [291, 292, 293] {
            let a = Self.values(n, &random), b = Self.values(n, &random), v = Self.values(n, &random).map(abs)
            var plain = 0.0, magnitude = 0.0, squares = 0.0, squaresMagnitude = 0.0
            for i in 0..<n {
                plain += a[i] * b[i]
                magnitude += abs(a[i] * b[i])
                squares += v[i] * a[i] * a[i]
                squaresMagnitude += abs(v[i] * a[i] * a[i])
            }
            #expect(abs(GLMNetKernels.dot(a, b, n) - plain) <= 1e-14 * max(magnitude, 1e-300), "dot, n = \(n)")
            #expect(abs(GLMNetKernels.weightedSquares(v, a, n) - squares) <= 1e-14 * max(squaresMagnitude, 1e-300), "squares, n = \(n)")
            var r = Self.values(n, &random)
            var expected = r
            for i in 0..<n { expected[i] -= 0.37 * v[i] * a[i] }
            GLMNetKernels.subtractScaledProduct(&r, 0.37, v, a, n)
            #expect(r.map(\.bitPattern) == expected.map(\.bitPattern), "update, n = \(n)")
        }
    }

    /// The pass as it was written column by column in Swift (glmnet's order), on the kernels.
    static func referencePass(
        x: [Double], n: Int, columns: [Int], r: inout [Double], v: [Double], beta: inout [Double], xv: [Double], penalty: [Double],
        al1: Double, al2: Double, entered: inout [Bool]?, active: inout [Int], pmax: Int, overflow: inout Bool
    ) -> Double {
        var dlx = 0.0
        for k in columns {
            let bk = beta[k]
            let gk = x.withUnsafeBufferPointer { GLMNetKernels.dot(r, $0.baseAddress! + k * n, n) }
            let u = gk + xv[k] * bk
            let au = abs(u) - penalty[k] * al1
            beta[k] = au <= 0 ? 0 : (u < 0 ? -au : au) / (xv[k] + penalty[k] * al2)
            let d = beta[k] - bk
            if abs(d) <= 0 { continue }
            dlx = max(dlx, xv[k] * d * d)
            x.withUnsafeBufferPointer { GLMNetKernels.subtractScaledProduct(&r, d, v, $0.baseAddress! + k * n, n) }
            if entered != nil && !entered![k] {
                if active.count >= pmax {
                    overflow = true
                    return dlx
                }
                entered![k] = true
                active.append(k)
            }
        }
        return dlx
    }

    @Test("a coordinate pass equals the column-by-column pass bit for bit, entering variables and overflowing as it does")
    func pass() {
        var random = SplitMix64(seed: 29)
        for (n, p, zeros, pmax) in [(37, 40, 0.8, 100), (292, 60, 0.7, 100), (8, 9, 0.0, 100), (50, 30, 0.9, 100), (64, 48, 0.6, 3)] {
            let x = Self.values(n * p, &random)
            let v = Self.values(n, &random).map { abs($0) / 4 }
            let xv = x.withUnsafeBufferPointer { xs in (0..<p).map { j in GLMNetKernels.weightedSquares(v, xs.baseAddress! + j * n, n) } }
            let penalty = (0..<p).map { _ in Double.random(in: 0.5...1.5, using: &random) }
            let startBeta = Self.values(p, &random, zeros: zeros)
            let startR = Self.values(n, &random).map { $0 / 10 }
            let columns = (0..<p).filter { _ in Double.random(in: 0..<1, using: &random) < 0.9 }
            let startEntered = (0..<p).map { startBeta[$0] != 0 }
            for (entering, fillXV) in [(false, false), (true, false), (true, true)] {
                for al1 in [0.001, 0.02, 0.2] {
                    // With fillXV the pass computes xv itself, column by column.
                    var xv1 = fillXV ? [Double](repeating: 0, count: p) : xv
                    var (r1, beta1, entered1, active1, overflow1) = (startR, startBeta, startEntered, [Int](), false)
                    var (r2, beta2, active2, overflow2) = (startR, startBeta, [Int](), false)
                    var entered2: [Bool]? = entering ? startEntered : nil
                    let joined = UnsafeMutablePointer<Int>.allocate(capacity: p)
                    defer { joined.deallocate() }
                    let dlx1 = x.withUnsafeBufferPointer { xs in
                        entered1.withUnsafeMutableBufferPointer { e in
                            GLMNetKernels.pass(
                                xs.baseAddress!, n: n, columns: columns, r: &r1, v: v, beta: &beta1, xv: &xv1, fillXV: fillXV, penalty: penalty, al1: al1,
                                al2: 0.5 * al1, entered: entering ? e.baseAddress : nil, active: &active1, pmax: pmax, joined: joined,
                                overflow: &overflow1)
                        }
                    }
                    let dlx2 = Self.referencePass(
                        x: x, n: n, columns: columns, r: &r2, v: v, beta: &beta2, xv: xv, penalty: penalty, al1: al1, al2: 0.5 * al1,
                        entered: &entered2, active: &active2, pmax: pmax, overflow: &overflow2)
                    let label = "n \(n), p \(p), entering \(entering), fill \(fillXV), lambda \(al1)"
                    if !overflow1 { #expect(columns.allSatisfy { xv1[$0].bitPattern == xv[$0].bitPattern }, "\(label)") }
                    #expect(dlx1.bitPattern == dlx2.bitPattern, "\(label)")
                    #expect(r1.map(\.bitPattern) == r2.map(\.bitPattern), "\(label)")
                    #expect(beta1.map(\.bitPattern) == beta2.map(\.bitPattern), "\(label)")
                    #expect(active1 == active2 && overflow1 == overflow2, "\(label)")
                    if entering { #expect(entered1 == entered2!, "\(label)") }
                }
            }
        }
    }

    @Test("screened passes equal plain passes bit for bit over a path whose residual also moves between lambdas, passing over zero columns the bound clears")
    func screenedPass() {
        var random = SplitMix64(seed: 41)
        for (n, p, pmax) in [(292, 80, 100), (37, 50, 100), (64, 60, 6), (9, 12, 100)] {
            let x = Self.values(n * p, &random)
            let v = Self.values(n, &random).map { abs($0) / 8 }
            let penalty = (0..<p).map { _ in Double.random(in: 0.5...1.5, using: &random) }
            let xv = x.withUnsafeBufferPointer { xs in (0..<p).map { j in GLMNetKernels.weightedSquares(v, xs.baseAddress! + j * n, n) } }
            let xnorm = x.withUnsafeBufferPointer { xs in (0..<p).map { j in GLMNetKernels.dot(xs.baseAddress! + j * n, xs.baseAddress! + j * n, n).squareRoot() } }
            let startR = Self.values(n, &random).map { $0 / 10 }
            var (r1, beta1, entered1, active1) = (startR, [Double](repeating: 0, count: p), [Bool](repeating: false, count: p), [Int]())
            var (r2, beta2, entered2, active2) = (startR, beta1, entered1, active1)
            var xv1 = xv, xv2 = [Double](repeating: 0, count: p)
            var gLast = [Double](repeating: .infinity, count: p), tLast = [Double](repeating: 0, count: p)
            var stamps = [Int](repeating: -1, count: p), scratch = [Int](repeating: 0, count: p)
            let joined = UnsafeMutablePointer<Int>.allocate(capacity: p)
            defer { joined.deallocate() }
            var skipped = 0
            let top = (0..<p).map { abs(GLMNetKernels.dot(startR, Array(x[($0 * n)..<($0 * n + n)]), n)) }.max()!
            xnorm.withUnsafeBufferPointer { norms in
                gLast.withUnsafeMutableBufferPointer { g in
                    tLast.withUnsafeMutableBufferPointer { t in
                        stamps.withUnsafeMutableBufferPointer { st in
                            scratch.withUnsafeMutableBufferPointer { sc in
                                var screen = sino_glmnet_screen(
                                    xnorm: norms.baseAddress, gLast: g.baseAddress, tLast: t.baseAddress, drift: 0, vmax: v.max()!, xvStamp: st.baseAddress,
                                    epoch: 1, scratch: sc.baseAddress, skipped: 0, computed: 0)
                                // A lambda path: each lambda, passes over every column (entering) and
                                // over the active ones, as the path takes them.
                                var overflow1 = false, overflow2 = false
                                for step in 0..<25 where !overflow1 {
                                    let al1 = top * pow(0.85, Double(step + 1))
                                    for sweep in 0..<4 {
                                        let entering = sweep % 2 == 0
                                        let columns = entering ? Array(0..<p) : active1
                                        let dlx1 = x.withUnsafeBufferPointer { xs in
                                            entered1.withUnsafeMutableBufferPointer { e in
                                                GLMNetKernels.pass(
                                                    xs.baseAddress!, n: n, columns: columns, r: &r1, v: v, beta: &beta1, xv: &xv1,
                                                    penalty: penalty, al1: al1, al2: 0.5 * al1, entered: entering ? e.baseAddress : nil, active: &active1, pmax: pmax,
                                                    joined: joined, overflow: &overflow1)
                                            }
                                        }
                                        let dlx2 = x.withUnsafeBufferPointer { xs in
                                            entered2.withUnsafeMutableBufferPointer { e in
                                                GLMNetKernels.pass(
                                                    xs.baseAddress!, n: n, columns: columns, r: &r2, v: v, beta: &beta2, xv: &xv2, screen: &screen,
                                                    penalty: penalty, al1: al1, al2: 0.5 * al1, entered: entering ? e.baseAddress : nil, active: &active2, pmax: pmax,
                                                    joined: joined, overflow: &overflow2)
                                            }
                                        }
                                        let label = "n \(n), p \(p), lambda step \(step), sweep \(sweep)"
                                        #expect(dlx1.bitPattern == dlx2.bitPattern, "\(label)")
                                        #expect(r1.map(\.bitPattern) == r2.map(\.bitPattern), "\(label)")
                                        #expect(beta1.map(\.bitPattern) == beta2.map(\.bitPattern), "\(label)")
                                        #expect(active1 == active2 && entered1 == entered2 && overflow1 == overflow2, "\(label)")
                                        if overflow1 { break }
                                    }
                                    // The residual moves between lambdas as a new IRLS step moves it,
                                    // the distance measured into the drift as the path does.
                                    var squares = 0.0
                                    for i in 0..<n {
                                        let d = Double.random(in: -1e-3...1e-3, using: &random)
                                        r1[i] += d
                                        r2[i] += d
                                        squares += d * d
                                    }
                                    screen.drift += squares.squareRoot() * (1 + 1e-9)
                                }
                                skipped = screen.skipped
                            }
                        }
                    }
                }
            }
            // Every xv the screened passes computed is the one the plain passes used.
            #expect((0..<p).allSatisfy { stamps[$0] != 1 || xv2[$0].bitPattern == xv[$0].bitPattern })
            #expect(skipped > 0, "n \(n), p \(p): the bound never passed a column over")
        }
    }
}

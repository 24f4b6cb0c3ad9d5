import CBLAS
import Foundation
import SinoData

/// The loss cv.glmnet averages over held-out observations (`type.measure`).
public enum GLMNetLoss: String, Codable, Sendable, CaseIterable {
    /// -2 log-likelihood with probabilities clipped to [1e-5, 1 - 1e-5].
    case deviance
    /// Misclassification rate.
    case `class`
    /// Squared error of the probability vector.
    case mse
    /// Absolute error of the probability vector.
    case mae
}

/// cv.glmnet's result: the full-data path, the CV curve on its lambdas, lambda.min and
/// lambda.1se.
public struct GLMNetCrossValidation: Sendable {
    public let fit: GLMNetFit
    public let loss: GLMNetLoss
    /// The lambdas with a CV estimate (R drops those whose cvsd is NA).
    public let lambda: [Double]
    /// Mean CV loss (cvm) and its standard error (cvsd) at each lambda.
    public let mean: [Double]
    public let standardError: [Double]
    /// Nonzero variables at each lambda, as R's nzero: the median over classes, rounded up, for
    /// the ungrouped multinomial; for the grouped one R also counts class 1's intercept.
    public let nonzero: [Int]
    /// The largest lambda reaching the minimum mean loss, and the largest lambda whose mean is
    /// within one standard error of that minimum.
    public let lambdaMin: Double
    public let lambda1SE: Double
    /// Their positions in `lambda`.
    public let indexMin: Int
    public let index1SE: Int
    /// The 1-based fold of each observation.
    public let foldIDs: [Int]
}

extension GLMNet {
    /// R's `cv.glmnet` with `grouped = TRUE` and unit weights: the full-data path first, then
    /// one path per fold with its own lambda sequence (unless `settings.lambda` is given),
    /// held-out linear predictors at the full path's lambdas by linear interpolation, the loss
    /// averaged per fold, then over folds weighted by fold size.
    ///
    /// `foldIDs`: 1-based fold per observation (at least 3 folds); nil draws them as
    /// `set.seed(seed); sample(rep(seq(folds), length = n))` does in R. Fold fits run on
    /// `threads` threads; the result does not depend on the thread count.
    public static func crossValidate(
        x: [[Double]], y: [Int], classCount: Int, family: GLMNetFamily, settings: GLMNetSettings = GLMNetSettings(),
        loss: GLMNetLoss = .deviance, folds: Int = 10, foldIDs: [Int]? = nil, seed: Int32 = 1, threads: Int? = nil
    ) throws -> GLMNetCrossValidation {
        let n = x.count
        let ids = foldIDs ?? RSampler.foldIDs(count: n, folds: folds, seed: seed)
        guard ids.count == n else {
            throw SelectionError.invalidInput("foldid has \(ids.count) values for \(n) observations")
        }
        let foldCount = ids.max() ?? 0
        guard foldCount >= 3 else {
            throw SelectionError.invalidInput("cv.glmnet needs at least 3 folds, not \(foldCount)")
        }
        if let empty = (1...foldCount).first(where: { f in !ids.contains(f) }) {
            throw SelectionError.invalidInput("fold \(empty) of 1...\(foldCount) holds no observation")
        }
        // The full-data path and the fold paths are independent (each fold builds its own
        // lambda sequence): all of them share the threads, with one OpenBLAS thread each so
        // that BLAS's own threads do not compete with them (restored afterwards; on one thread
        // too, where BLAS's idle threads would spin on the other cores). Each fold's
        // held-out losses are tasks after the fits: a thread left without a fit to run takes
        // them as soon as the full path and that fold's path are there.
        let workers = ParallelLoop.threadCount(threads)
        let fitCount = foldCount + 1
        let fits = UnsafeMutablePointer<Result<GLMNetFit, Error>?>.allocate(capacity: fitCount)
        fits.initialize(repeating: nil, count: fitCount)
        // cvraw[i][l]: observation i's loss at lambda l, from its fold's fit (each i in one fold).
        let losses = UnsafeMutablePointer<[Double]>.allocate(capacity: n)
        losses.initialize(repeating: [], count: n)
        defer {
            fits.deinitialize(count: fitCount)
            fits.deallocate()
            losses.deinitialize(count: n)
            losses.deallocate()
        }
        let ready = (0..<fitCount).map { _ in DispatchSemaphore(value: 0) }
        func latch(_ task: Int) {
            ready[task].wait()
            ready[task].signal()
        }
        func run() {
            ParallelLoop.run(count: 2 * foldCount + 1, threads: workers) { task in
                if task < fitCount {
                    defer { ready[task].signal() }
                    if task == 0 {
                        fits[0] = Result { try fit(x: x, y: y, classCount: classCount, family: family, settings: settings) }
                        return
                    }
                    let f = task - 1
                    let train = (0..<n).filter { ids[$0] != f + 1 }
                    fits[task] = Result {
                        do {
                            return try fit(x: train.map { x[$0] }, y: train.map { y[$0] }, classCount: classCount, family: family, settings: settings)
                        } catch let error as SelectionError {
                            throw SelectionError.fitFailed("cv.glmnet fold \(f + 1) of \(foldCount): \(error.description)")
                        }
                    }
                    return
                }
                let f = task - fitCount
                latch(0)
                latch(f + 1)
                guard case .success(let full)? = fits[0], case .success(let foldFit)? = fits[f + 1] else { return }
                let held = (0..<n).filter { ids[$0] == f + 1 }
                let rows = held.map { x[$0] }
                let perLambda = full.lambda.map { s in foldFit.linearPredictors(x: rows, at: s) }
                for (position, i) in held.enumerated() {
                    losses[i] = full.lambda.indices.map { l in
                        observationLoss(perLambda[l][position], truth: y[i], classCount: classCount, family: family, loss: loss)
                    }
                }
            }
        }
        OpenBLASThreads.one(run)
        // The first failure in the fits' order, as before.
        for task in 0..<fitCount { _ = try fits[task]!.get() }
        let full = try fits[0]!.get()
        let raw = Array(UnsafeBufferPointer(start: losses, count: n))
        // cvcompute: per-fold means (non-finite losses left out, as R's weighted.mean(na.rm =
        // TRUE) after is.infinite -> NA), then cvstats: folds weighted by their sizes, folds
        // without a finite loss left out; a lambda whose cvsd is NaN is dropped.
        let sizes = (1...foldCount).map { f in Double(ids.filter { $0 == f }.count) }
        var keptLambdas: [Int] = []
        var mean: [Double] = []
        var standardError: [Double] = []
        for l in full.lambda.indices {
            let foldMeans = (1...foldCount).map { f -> Double in
                let values = (0..<n).filter { ids[$0] == f }.map { raw[$0][l] }.filter(\.isFinite)
                return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
            }
            var totalWeight = 0.0
            var weighted = 0.0
            for f in foldMeans.indices where !foldMeans[f].isNaN {
                totalWeight += sizes[f]
                weighted += sizes[f] * foldMeans[f]
            }
            let m = weighted / totalWeight
            var spread = 0.0
            for f in foldMeans.indices where !foldMeans[f].isNaN {
                let d = foldMeans[f] - m
                spread += sizes[f] * d * d
            }
            spread /= totalWeight
            let se = (spread / Double(foldCount - 1)).squareRoot()
            guard !se.isNaN else { continue }
            keptLambdas.append(l)
            mean.append(m)
            standardError.append(se)
        }
        guard !keptLambdas.isEmpty else {
            throw SelectionError.fitFailed("cv.glmnet: no lambda has a finite cross-validated \(loss.rawValue)")
        }
        let lambda = keptLambdas.map { full.lambda[$0] }
        // getOptcv.glmnet.
        let minimum = mean.min()!
        let lambdaMin = lambda.indices.filter { mean[$0] <= minimum }.map { lambda[$0] }.max()!
        let indexMin = lambda.firstIndex(of: lambdaMin)!
        let bound = mean[indexMin] + standardError[indexMin]
        let lambda1SE = lambda.indices.filter { mean[$0] <= bound }.map { lambda[$0] }.max()!
        let index1SE = lambda.firstIndex(of: lambda1SE)!
        var nonzero: [Int]
        if family == .multinomial(grouped: false) {
            nonzero = full.coefficients.map { beta in
                let perClass = beta.map { $0.filter { $0 != 0 }.count }.sorted()
                let k = perClass.count
                let median = k % 2 == 1 ? Double(perClass[k / 2]) : Double(perClass[k / 2 - 1] + perClass[k / 2]) / 2
                return Int(median.rounded(.up))
            }
        } else if family == .multinomial(grouped: true) {
            // R counts the nonzero rows of class 1's coefficient matrix *with* its intercept row
            // (predict.multnet, type "nonzero", grouped): one more than df when the intercept
            // is nonzero.
            nonzero = zip(full.degreesOfFreedom, full.intercepts).map { $0 + ($1[0] != 0 ? 1 : 0) }
        } else {
            nonzero = full.degreesOfFreedom
        }
        nonzero = keptLambdas.map { nonzero[$0] }
        return GLMNetCrossValidation(
            fit: full, loss: loss, lambda: lambda, mean: mean, standardError: standardError, nonzero: nonzero,
            lambdaMin: lambdaMin, lambda1SE: lambda1SE, indexMin: indexMin, index1SE: index1SE, foldIDs: ids)
    }

    /// One held-out observation's loss from its linear predictor(s): cv.lognet / cv.multnet.
    static func observationLoss(_ eta: [Double], truth: Int, classCount: Int, family: GLMNetFamily, loss: GLMNetLoss) -> Double {
        let probabilities: [Double]
        if family == .binomial {
            let p1 = 1 / (1 + exp(-eta[0]))
            probabilities = [1 - p1, p1]
        } else {
            let e = eta.map { exp($0) }
            let total = e.reduce(0, +)
            probabilities = e.map { $0 / total }
        }
        switch loss {
        case .deviance:
            // An overflowing linear predictor gives NaN probabilities, as in R (left out later).
            guard !probabilities[truth].isNaN else { return .nan }
            let p = min(max(probabilities[truth], 1e-5), 1 - 1e-5)
            return -2 * log(p)
        case .class:
            if family == .binomial {
                return truth == 0 ? (probabilities[1] > 0.5 ? 1 : 0) : (probabilities[1] <= 0.5 ? 1 : 0)
            }
            return argmax(probabilities) == truth ? 0 : 1
        case .mse:
            return probabilities.indices.reduce(0) { s, c in
                let d = (c == truth ? 1.0 : 0.0) - probabilities[c]
                return s + d * d
            }
        case .mae:
            return probabilities.indices.reduce(0) { $0 + abs(($1 == truth ? 1.0 : 0.0) - probabilities[$1]) }
        }
    }
}

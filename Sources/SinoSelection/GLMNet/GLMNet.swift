import Foundation

/// Elastic-net logistic regression as R glmnet 4.1 computes it (`glmnet(x, y, family =
/// "binomial" | "multinomial")`): the same standardisation, lambda path, coordinate descent,
/// convergence tests and early stops, so the path and its coefficients agree with R's to
/// rounding (docs/SELECTION.md; checked against Debian's r-cran-glmnet 4.1-6 in
/// Tests/SinoSelectionTests/GLMNetTests.swift).
///
/// ```swift
/// let fit = try GLMNet.fit(x: rows, y: labels, classCount: 3, family: .multinomial(grouped: false))
/// let beta = fit.coefficients(at: fit.lambda[20])
/// ```
public enum GLMNet {
    /// Fits the whole path. `x`: n rows of p values; `y`: class indices 0..<classCount (for
    /// `.binomial`, classCount 2 and the model is the log-odds of class 1). Unit weights.
    public static func fit(
        x: [[Double]], y: [Int], classCount: Int, family: GLMNetFamily, settings: GLMNetSettings = GLMNetSettings()
    ) throws -> GLMNetFit {
        try validate(x: x, y: y, classCount: classCount, family: family, settings: settings)
        let n = x.count
        let p = x[0].count
        let counts = (0..<classCount).map { c in y.filter { $0 == c }.count }
        if let smallest = counts.min(), smallest <= 1 {
            let c = counts.firstIndex(of: smallest)!
            throw SelectionError.invalidInput(
                "class \(c) has \(smallest) observation\(smallest == 1 ? "" : "s"); glmnet needs at least 2 in every class")
        }
        let w = [Double](repeating: 1 / Double(n), count: n)
        var columns = [Double](repeating: 0, count: n * p)
        for i in 0..<n { for j in 0..<p { columns[j * n + i] = x[i][j] } }
        let usable = (0..<p).map { j in (1..<n).contains { columns[j * n + $0] != columns[j * n] } }
        guard usable.contains(true) else {
            throw SelectionError.invalidInput("every one of the \(p) variables is constant: glmnet has nothing to fit")
        }
        var penalty = (settings.penaltyFactor ?? [Double](repeating: 1, count: p)).map { max(0, $0) }
        let total = penalty.reduce(0, +)
        penalty = penalty.map { $0 * Double(p) / total }
        let grouped = family == .multinomial(grouped: true)
        let scaling = GLMNetStandardisation(
            columns: &columns, n: n, p: p, w: w, usable: usable, standardize: settings.standardize,
            intercept: settings.intercept, grouped: grouped)
        let userLambda = settings.lambda.map { $0.sorted(by: >) } ?? []
        let flmin = settings.lambda == nil ? (settings.lambdaMinRatio ?? (n < p ? 0.01 : 1e-4)) : 1
        let dfmax = settings.dfmax ?? p + 1
        let problem = GLMNetProblem(
            n: n, p: p, x: columns, w: w, usable: usable, penalty: penalty, alpha: settings.alpha, flmin: flmin,
            userLambda: userLambda, lambdaCount: settings.lambda == nil ? settings.lambdaCount : userLambda.count,
            threshold: settings.threshold, intercept: settings.intercept, maxPasses: settings.maxPasses, dfmax: dfmax,
            pmax: min(dfmax * 2 + 20, p), columnVariance: scaling.columnVariance)
        let raw: GLMNetRawPath
        do {
            switch family {
            case .binomial:
                raw = try problem.binomialPath(y: y.map { $0 == 1 ? 1 : 0 })
            case .multinomial(let groupedFamily):
                var onehot = [Double](repeating: 0, count: n * classCount)
                for i in 0..<n { onehot[i * classCount + y[i]] = 1 }
                raw =
                    groupedFamily
                    ? try problem.groupedPath(y: onehot, classes: classCount)
                    : try problem.multinomialPath(y: onehot, classes: classCount)
            }
        } catch let fatal as GLMNetFatal {
            let c = fatal.code % 1000
            let side = fatal.code >= 9000 ? "at least 1 - 1e-9" : "at most 1e-9"
            throw SelectionError.fitFailed("glmnet cannot fit: class \(c - 1)'s share of the observations is \(side)")
        }
        guard !raw.lambda.isEmpty else {
            throw SelectionError.fitFailed("glmnet did not converge at the first lambda (error \(raw.errorCode))")
        }
        return GLMNetFit(raw: raw, scaling: scaling, family: family, classCount: classCount, variableCount: p, n: n, userLambda: settings.lambda != nil)
    }

    static func validate(x: [[Double]], y: [Int], classCount: Int, family: GLMNetFamily, settings: GLMNetSettings) throws {
        guard !x.isEmpty, let p = x.first?.count, p > 0 else {
            throw SelectionError.invalidInput("glmnet needs at least one row and one variable")
        }
        guard x.count == y.count else {
            throw SelectionError.invalidInput("x has \(x.count) rows but y has \(y.count) labels")
        }
        for (i, row) in x.enumerated() {
            guard row.count == p else {
                throw SelectionError.invalidInput("row \(i + 1) of x has \(row.count) values, expected \(p) (as row 1)")
            }
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw SelectionError.invalidInput("row \(i + 1), variable \(j + 1) of x is \(row[j]): glmnet needs finite values")
            }
        }
        if family == .binomial && classCount != 2 {
            throw SelectionError.invalidInput("the binomial family needs 2 classes, not \(classCount)")
        }
        guard classCount >= 2 else { throw SelectionError.invalidInput("glmnet needs at least 2 classes, not \(classCount)") }
        if let bad = y.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw SelectionError.invalidInput("label \(y[bad]) at row \(bad + 1) is outside 0..<\(classCount)")
        }
        guard settings.alpha >= 0 && settings.alpha <= 1 else {
            throw SelectionError.invalidInput("alpha must lie in [0, 1], not \(settings.alpha)")
        }
        if let ratio = settings.lambdaMinRatio, !(ratio > 0 && ratio < 1) {
            throw SelectionError.invalidInput("lambda.min.ratio must lie in (0, 1), not \(ratio)")
        }
        if let lambda = settings.lambda {
            guard !lambda.isEmpty, lambda.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw SelectionError.invalidInput("a user lambda sequence must be non-empty, finite and non-negative")
            }
        } else if settings.lambdaCount < 3 {
            throw SelectionError.invalidInput("nlambda must be at least 3, not \(settings.lambdaCount)")
        }
        if let factors = settings.penaltyFactor {
            guard factors.count == p else {
                throw SelectionError.invalidInput("penalty.factor has \(factors.count) values for \(p) variables")
            }
            guard factors.contains(where: { $0 > 0 }) else {
                throw SelectionError.invalidInput("penalty.factor needs at least one positive value")
            }
        }
    }
}

/// glmnet's `lstandard1` / `multlstandard1`: weighted (1/n) means and standard deviations,
/// applied to the columns in place.
struct GLMNetStandardisation {
    var mean: [Double]
    var scale: [Double]
    /// xv for the grouped multinomial.
    var columnVariance: [Double]
    let standardize: Bool
    let intercept: Bool

    init(columns: inout [Double], n: Int, p: Int, w: [Double], usable: [Bool], standardize: Bool, intercept: Bool, grouped: Bool) {
        self.standardize = standardize
        self.intercept = intercept
        mean = [Double](repeating: 0, count: p)
        scale = [Double](repeating: 1, count: p)
        columnVariance = [Double](repeating: 0, count: p)
        for j in 0..<p where usable[j] {
            let base = j * n
            if !intercept {
                var sum = 0.0
                var squares = 0.0
                for i in 0..<n {
                    sum += w[i] * columns[base + i]
                    squares += w[i] * columns[base + i] * columns[base + i]
                }
                columnVariance[j] = squares
                if standardize {
                    let variance = squares - sum * sum
                    scale[j] = variance.squareRoot()
                    for i in 0..<n { columns[base + i] /= scale[j] }
                    if grouped { columnVariance[j] = 1 + sum * sum / variance }
                }
                continue
            }
            var m = 0.0
            for i in 0..<n { m += w[i] * columns[base + i] }
            mean[j] = m
            var squares = 0.0
            for i in 0..<n {
                columns[base + i] -= m
                squares += w[i] * columns[base + i] * columns[base + i]
            }
            columnVariance[j] = squares
            if standardize {
                scale[j] = squares.squareRoot()
                for i in 0..<n { columns[base + i] /= scale[j] }
                columnVariance[j] = 1
            }
        }
    }
}

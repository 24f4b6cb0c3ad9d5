import Foundation

// Detecting the designs for which the maximum-likelihood estimate does not exist, and saying
// which columns are responsible. statsmodels 0.15.0 MNLogit checks none of this: it returns
// diverged coefficients with a ConvergenceWarning (see Tests/Fixtures/mnlogit.json).

// MARK: - Rank

extension MultinomialLogit {
    /// Throws `.singular` for a constant column (with an intercept) or a column that is an
    /// exact linear combination of earlier ones.
    static func checkColumns(_ design: Design, addIntercept: Bool) throws {
        let x = design.x, names = design.featureNames
        for f in (addIntercept ? 1 : 0)..<x.columns {
            let first = x[0, f]
            guard (1..<x.rows).allSatisfy({ x[$0, f] == first }) else { continue }
            if addIntercept || first == 0 {
                throw StatsError.singular(
                    "column '\(names[f])' is constant (every value is \(first)), so "
                        + (addIntercept ? "it duplicates the intercept" : "it carries no information")
                        + "; remove it")
            }
        }
        guard x.rows >= x.columns else {
            throw StatsError.invalidInput(
                "\(x.rows) observations cannot identify \(x.columns) coefficients per class")
        }
        try checkLinearDependence(design)
    }

    /// QR of the column-normalised design: |R_kk| is the distance of unit column k from the
    /// span of columns 0..<k, so |R_kk| ≈ 0 flags column k; back-substitution gives the
    /// combination, naming the columns it depends on.
    private static func checkLinearDependence(_ design: Design) throws {
        let r = qrUpperTriangle(unitColumns(design.x))
        // Householder QR is backward stable to ~1e-15 per unit column; 1e-9 leaves margin for
        // roundoff, and a column closer than that to the others' span would leave the
        // Hessian numerically singular anyway.
        let dependent = (0..<r.rows).filter { abs(r[$0, $0]) <= 1e-9 }
        guard let k = dependent.first else { return }
        let coefficients = backSubstitute(r, column: k)
        let sources = (0..<k).filter { abs(coefficients[$0]) > 1e-6 }
            .map { "'\(design.featureNames[$0])'" }
        throw StatsError.singular(
            "column '\(design.featureNames[k])' is an exact linear combination of "
                + sources.joined(separator: ", ")
                + " (collinear), so its coefficients are not identified; remove one of them"
                + (dependent.count > 1 ? " (\(dependent.count) dependent columns in all)" : ""))
    }

    /// The matrix with every column scaled to unit Euclidean norm (no column is zero here:
    /// constant columns were rejected first).
    private static func unitColumns(_ a: Matrix) -> Matrix {
        var scaled = a
        let columns = a.columns
        scaled.values.withUnsafeMutableBufferPointer { v in
            var norms = [Double](repeating: 0, count: columns)
            for i in 0..<a.rows {
                for j in 0..<columns { norms[j] += v[i * columns + j] * v[i * columns + j] }
            }
            let factors = norms.map { 1 / $0.squareRoot() }
            for i in 0..<a.rows { for j in 0..<columns { v[i * columns + j] *= factors[j] } }
        }
        return scaled
    }

    /// Solves R[0..<k, 0..<k] c = R[0..<k, k] (column k in terms of the earlier columns).
    private static func backSubstitute(_ r: Matrix, column k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: k)
        for i in stride(from: k - 1, through: 0, by: -1) {
            var sum = r[i, k]
            for j in (i + 1)..<k { sum -= r[i, j] * c[j] }
            c[i] = sum / r[i, i]
        }
        return c
    }
}

// MARK: - Separation

extension MultinomialLogit {
    /// One column separating one class from all the others, completely (no overlap) or
    /// quasi-completely (touching at one value), makes the MLE nonexistent (Albert & Anderson
    /// 1984): with an intercept, adding t (x - c) to that class's equation raises the
    /// likelihood for every t. A cheap certificate, checked for every column and class.
    static func checkSingleColumnSeparation(_ design: Design) throws {
        let original = [0] + design.nonReferenceClasses // internal code -> class label
        for f in 1..<design.features {
            let ranges = classRanges(design, feature: f)
            for code in 0..<design.classCount {
                let others = ranges.indices.filter { $0 != code }.map { ranges[$0] }
                let outside = (min: others.map(\.min).min()!, max: others.map(\.max).max()!)
                if let message = separationMessage(
                    name: design.featureNames[f], label: original[code], inside: ranges[code],
                    outside: outside)
                {
                    throw StatsError.separation(message)
                }
            }
        }
    }

    /// Smallest and largest value of a column within each class (internal codes), one pass.
    private static func classRanges(_ design: Design, feature f: Int) -> [(min: Double, max: Double)] {
        var ranges = [(min: Double, max: Double)](
            repeating: (.infinity, -.infinity), count: design.classCount)
        let columns = design.features
        design.x.values.withUnsafeBufferPointer { x in
            for i in 0..<design.observations {
                let v = x[i * columns + f], code = design.outcome[i]
                ranges[code] = (min(ranges[code].min, v), max(ranges[code].max, v))
            }
        }
        return ranges
    }

    private static func separationMessage(
        name: String, label: Int, inside: (min: Double, max: Double),
        outside: (min: Double, max: Double)
    ) -> String? {
        let kind: String
        if inside.max <= outside.min {
            kind = "every class \(label) value is <= \(inside.max) and every other value >= \(outside.min)"
        } else if inside.min >= outside.max {
            kind = "every class \(label) value is >= \(inside.min) and every other value <= \(outside.max)"
        } else {
            return nil
        }
        let strength = inside.max < outside.min || inside.min > outside.max ? "complete" : "quasi-complete"
        return "\(strength) separation: column '\(name)' separates class \(label) from the other "
            + "classes (\(kind)), so its coefficients diverge and the maximum-likelihood estimate "
            + "does not exist. " + separationAdvice
    }

    /// What to do about separation, naming SinoRad's bias-reduced option.
    public static let separationAdvice =
        "Remove or recode the predictor, merge classes, or use bias-reduced (Firth) regression, "
        + "whose estimate exists under separation: `sinorad select --method firth`, or "
        + "\"method\": \"firth\" in the study config's selection section "
        + "(MultinomialLogit.fit(method: .firth) in code)."
}

// MARK: - Failed fits

extension MultinomialLogit {
    enum FailureReason {
        case hessianNotPositiveDefinite
        case iterationLimit(Double)
    }

    /// Explains why Newton-Raphson stopped: separation when fitted probabilities of observed
    /// classes have reached 1 (the coefficients then grow without bound), otherwise
    /// non-convergence or a singular Hessian.
    static func failure(
        _ design: Design, _ params: [Double], _ lastStep: [Double], _ iterations: Int,
        _ reason: FailureReason
    ) -> StatsError {
        let state = evaluate(design, params)
        let perfect = perfectlyPredicted(design, state.probabilities)
        let maxStep = lastStep.map(abs).max() ?? 0
        if !perfect.isEmpty {
            return .separation(divergenceMessage(design, perfect, lastStep, iterations))
        }
        switch reason {
        case .iterationLimit(let tolerance):
            return .notConverged(
                "Newton-Raphson did not converge in \(iterations) iterations: the last step "
                    + "changed a coefficient by \(maxStep) (max |step|; tolerance \(tolerance)). "
                    + "Raise maxIterations or rescale the predictors.")
        case .hessianNotPositiveDefinite:
            return .singular(
                "the negative Hessian is not positive definite after \(iterations) iterations, "
                    + "so the Newton step is undefined; look for nearly collinear predictors")
        }
    }

    /// Observations whose observed class has fitted probability 1 to within 1e-8.
    static func perfectlyPredicted(_ design: Design, _ probabilities: Matrix) -> [Int] {
        (0..<design.observations).filter { probabilities[$0, design.outcome[$0]] > 1 - 1e-8 }
    }

    /// Names the predictors along which the last Newton step moved the linear predictor most
    /// (step × column SD): the direction in which the coefficients diverge.
    private static func divergenceMessage(
        _ design: Design, _ perfect: [Int], _ lastStep: [Double], _ iterations: Int
    ) -> String {
        let p = design.features
        let movement = (0..<p).map { f in
            (0..<design.equations).map { abs(lastStep[$0 * p + f]) }.max()! * columnSD(design.x, f)
        }
        let largest = movement.max() ?? 0
        let responsible = (1..<p).filter { movement[$0] >= 0.25 * largest && largest > 0 }
            .map { "'\(design.featureNames[$0])'" }
        let original = [0] + design.nonReferenceClasses
        let classes = Set(perfect.map { original[design.outcome[$0]] }).sorted()
        let culprits =
            responsible.isEmpty
            ? "the coefficients grow without bound"
            : "the coefficients of " + responsible.joined(separator: ", ") + " grow without bound"
        return "separation: after \(iterations) Newton-Raphson iterations the fitted probability "
            + "of the observed class is 1 for \(perfect.count) observations ("
            + (classes.count == 1 ? "class " : "classes ")
            + classes.map(String.init).joined(separator: ", ") + ") and " + culprits
            + "; the maximum-likelihood estimate does not exist. " + separationAdvice
    }

    /// Standard deviation of a column (1 for a constant column such as the intercept, whose
    /// coefficient moves the linear predictor one for one).
    private static func columnSD(_ x: Matrix, _ f: Int) -> Double {
        let n = Double(x.rows)
        let mean = (0..<x.rows).reduce(0.0) { $0 + x[$1, f] } / n
        let variance = (0..<x.rows).reduce(0.0) { $0 + (x[$1, f] - mean) * (x[$1, f] - mean) } / n
        return variance > 0 ? variance.squareRoot() : 1
    }

    /// Conditions worth reporting on a converged fit.
    static func fitWarnings(_ design: Design, _ state: LikelihoodState, _ newton: NewtonResult) -> [String] {
        var warnings: [String] = []
        let perfect = perfectlyPredicted(design, state.probabilities)
        if !perfect.isEmpty {
            warnings.append(
                "\(perfect.count) observations have a fitted probability of 1 for their class: "
                    + "quasi-separation is possible and the affected standard errors are unreliable")
        }
        return warnings
    }
}

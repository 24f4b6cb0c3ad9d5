/// Predictors that enter or leave a model together: one variable, e.g. the dummy columns of
/// a one-hot categorical.
public struct PredictorGroup: Codable, Sendable, Equatable {
    public let name: String
    /// Column indices into the `x` rows given to `BackwardElimination.run`.
    public let columns: [Int]

    /// - Parameters:
    ///   - name: the variable's name, reported in the steps.
    ///   - columns: its column indices into the rows given to `BackwardElimination.run`.
    public init(name: String, columns: [Int]) {
        self.name = name
        self.columns = columns
    }
}

/// When a group may leave the model.
public enum EliminationCriterion: Codable, Sendable, Equatable {
    /// Drop the group with the largest drop-one likelihood-ratio p-value while it is > alpha.
    case likelihoodRatio(alpha: Double)
    /// Drop the group whose removal lowers AIC most, while some removal lowers it.
    case aic
}

/// Plain JSON: `{"rule": "lrt", "alpha": 0.05}` or `{"rule": "aic"}` (the spelling of
/// `sinorad select --criterion`), not Swift's synthesized coding of associated values.
extension EliminationCriterion {
    enum CodingKeys: String, CodingKey { case rule, alpha }

    /// Writes `{"rule": "lrt", "alpha": a}` or `{"rule": "aic"}`.
    ///
    /// - Parameter encoder: the encoder to write to.
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .likelihoodRatio(let alpha):
            try c.encode("lrt", forKey: .rule)
            try c.encode(alpha, forKey: .alpha)
        case .aic:
            try c.encode("aic", forKey: .rule)
        }
    }

    /// Reads what `encode(to:)` writes.
    ///
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: `DecodingError` for a rule other than "lrt" or "aic", or "lrt" without alpha.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .rule) {
        case "lrt": self = .likelihoodRatio(alpha: try c.decode(Double.self, forKey: .alpha))
        case "aic": self = .aic
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .rule, in: c, debugDescription: "rule '\(other)': expected lrt or aic")
        }
    }
}

/// The drop-one likelihood-ratio test of one group against the current model.
public struct DropOneTest: Codable, Sendable, Equatable {
    public let group: String
    /// The test; nil when the model without the group could not be fitted (see `failure`).
    public let test: LikelihoodRatioTest?
    /// AIC of the model without the group.
    public let aicWithout: Double?
    /// Why the model without the group could not be fitted (separation, non-convergence).
    public let failure: String?
}

/// One elimination step: the group dropped and the table the choice was made from.
public struct EliminationStep: Codable, Sendable, Equatable {
    public let dropped: String
    public let test: LikelihoodRatioTest
    public let aicBefore: Double
    public let aicAfter: Double
    /// The drop-one test of every group in the model at this step, in group order.
    public let candidates: [DropOneTest]
}

public struct BackwardEliminationResult: Codable, Sendable, Equatable {
    public let criterion: EliminationCriterion
    public let steps: [EliminationStep]
    /// Groups left in the final model, in their original order.
    public let remainingGroups: [String]
    public let finalFit: MultinomialLogitFit
    /// Drop-one tests of every remaining group against the final model.
    public let finalTests: [DropOneTest]
    /// Candidate fits that failed along the way (each also recorded in its step's table).
    public let warnings: [String]
}

/// Backward elimination of predictor groups from a multinomial logit by drop-one
/// likelihood-ratio tests (df = (K - 1) × columns of the group) or AIC.
///
/// ```swift
/// let result = try BackwardElimination.run(
///     x: rows, y: labels, classCount: 3, featureNames: names,
///     groups: [PredictorGroup(name: "age", columns: [0]),
///              PredictorGroup(name: "stage", columns: [1, 2])],
///     criterion: .likelihoodRatio(alpha: 0.05))
/// print(result.steps.map(\.dropped), result.remainingGroups)
/// ```
///
/// With `method: .firth` every model is the bias-reduced fit, the drop-one test is the
/// penalised likelihood-ratio test of Heinze & Schemper (2002) (the group's coefficients fixed
/// at 0 under the current model's penalty; see `MultinomialLogit.penalizedLikelihoodRatioTest`),
/// AIC is brglm2's (from the unpenalised log-likelihood at the estimate), and the model after
/// a drop is the separately fitted bias-reduced model without the group.
///
/// Ties go to the first group in `groups` order. Columns in no group stay in every model.
/// A candidate model that cannot be fitted (separation, non-convergence) is reported in its
/// step's table and in `warnings`, and is not dropped; if the starting model cannot be fitted
/// the error is thrown, naming the problem.
public enum BackwardElimination {
    /// - Parameters:
    ///   - x: n rows of predictor values (no intercept column).
    ///   - y: class of each row, in 0..<classCount.
    ///   - classCount: K, at least 2.
    ///   - reference: the class the other classes are compared with.
    ///   - featureNames: one distinct name per column of `x`.
    ///   - groups: the variables that may be dropped, each a set of columns dropped together.
    ///   - criterion: likelihood-ratio p above alpha, or AIC.
    ///   - method: maximum likelihood or bias-reduced (Firth) fits.
    ///   - addIntercept: prepend a constant column to every model.
    ///   - maxIterations: per fit; nil for the method's default (see `MultinomialLogit.fit`).
    ///   - tolerance: per fit; nil for the method's default.
    ///   - confidenceLevel: level of the Wald intervals of the models' coefficients, strictly
    ///     between 0 and 1 (default 0.95).
    /// - Returns: the steps taken, the groups left, the final fit and its drop-one tests.
    /// - Throws: `StatsError.invalidInput` for overlapping or out-of-range groups, a bad criterion
    ///   alpha or confidence level; the starting model's `StatsError` (separation, singular,
    ///   not converged), prefixed with that context.
    public static func run(
        x: [[Double]], y: [Int], classCount: Int, reference: Int = 0, featureNames: [String],
        groups: [PredictorGroup], criterion: EliminationCriterion, method: LogitMethod = .ml,
        addIntercept: Bool = true, maxIterations: Int? = nil, tolerance: Double? = nil,
        confidenceLevel: Double = 0.95
    ) throws -> BackwardEliminationResult {
        try validate(groups: groups, columnCount: featureNames.count, criterion: criterion)
        try DeLong.requireLevel(confidenceLevel)
        let model = CandidateModels(
            x: x, y: y, classCount: classCount, reference: reference, featureNames: featureNames,
            groups: groups, method: method, addIntercept: addIntercept,
            maxIterations: maxIterations, tolerance: tolerance, confidenceLevel: confidenceLevel)
        var remaining = Array(groups.indices)
        var current = try model.fit(remaining, startingModel: true)
        var steps: [EliminationStep] = []
        var warnings: [String] = []
        while true {
            let candidates = try dropOneTests(model, remaining, current, &warnings)
            guard let choice = choose(candidates, current: current, criterion) else { break }
            steps.append(choice.step)
            remaining.removeAll { $0 == choice.group }
            current = choice.reducedFit
        }
        let finalTests = try dropOneTests(model, remaining, current, &warnings).map(\.table)
        return BackwardEliminationResult(
            criterion: criterion, steps: steps, remainingGroups: remaining.map { groups[$0].name },
            finalFit: current, finalTests: finalTests, warnings: warnings)
    }

    private static func validate(
        groups: [PredictorGroup], columnCount: Int, criterion: EliminationCriterion
    ) throws {
        var seen = Set<Int>()
        for group in groups {
            guard !group.columns.isEmpty,
                group.columns.allSatisfy({ (0..<columnCount).contains($0) && seen.insert($0).inserted })
            else {
                throw StatsError.invalidInput(
                    "group '\(group.name)' must list columns in 0..<\(columnCount), each in one group only")
            }
        }
        guard Set(groups.map(\.name)).count == groups.count else {
            throw StatsError.invalidInput("group names must be distinct")
        }
        if case .likelihoodRatio(let alpha) = criterion, !(alpha > 0 && alpha < 1) {
            throw StatsError.invalidInput("alpha must be in (0, 1), got \(alpha)")
        }
    }
}

// MARK: - Steps

extension BackwardElimination {
    /// A drop-one test with the reduced fit it came from (nil when that fit failed).
    struct Candidate {
        let group: Int
        let table: DropOneTest
        let reducedFit: MultinomialLogitFit?
    }

    struct Choice {
        let group: Int
        let step: EliminationStep
        let reducedFit: MultinomialLogitFit
    }

    /// Refits the current model without each remaining group in turn.
    static func dropOneTests(
        _ model: CandidateModels, _ remaining: [Int], _ current: MultinomialLogitFit,
        _ warnings: inout [String]
    ) throws -> [Candidate] {
        // Without an intercept, the last group cannot go: an empty design has no model.
        guard model.addIntercept || remaining.count > 1 || !model.forcedColumns.isEmpty else { return [] }
        return try remaining.map { group in
            let name = model.groups[group].name
            do {
                let reduced = try model.fit(remaining.filter { $0 != group }, startingModel: false)
                let test = try model.dropOneTest(remaining, current, reduced, dropping: group)
                let table = DropOneTest(group: name, test: test, aicWithout: reduced.aic, failure: nil)
                return Candidate(group: group, table: table, reducedFit: reduced)
            } catch let error as StatsError {
                warnings.append("model without '\(name)' could not be fitted: \(error)")
                return Candidate(
                    group: group,
                    table: DropOneTest(group: name, test: nil, aicWithout: nil, failure: error.description),
                    reducedFit: nil)
            }
        }
    }

    /// The group to drop under `criterion`, or nil when none qualifies. Strict comparisons
    /// keep the first group in group order on ties.
    static func choose(
        _ candidates: [Candidate], current: MultinomialLogitFit,
        _ criterion: EliminationCriterion
    ) -> Choice? {
        let fitted = candidates.filter { $0.reducedFit != nil }
        var best: Candidate?
        for candidate in fitted {
            guard let incumbent = best else { best = candidate; continue }
            switch criterion {
            case .likelihoodRatio:
                if candidate.table.test!.pValue > incumbent.table.test!.pValue { best = candidate }
            case .aic:
                if candidate.reducedFit!.aic < incumbent.reducedFit!.aic { best = candidate }
            }
        }
        guard let best, let reduced = best.reducedFit, let test = best.table.test else { return nil }
        switch criterion {
        case .likelihoodRatio(let alpha): guard test.pValue > alpha else { return nil }
        case .aic: guard reduced.aic < current.aic else { return nil }
        }
        let step = EliminationStep(
            dropped: best.table.group, test: test, aicBefore: current.aic, aicAfter: reduced.aic,
            candidates: candidates.map(\.table))
        return Choice(group: best.group, step: step, reducedFit: reduced)
    }
}

// MARK: - Candidate models

extension BackwardElimination {
    /// Fits the model on the columns of a set of groups (plus the columns in no group).
    struct CandidateModels {
        let x: [[Double]]
        let y: [Int]
        let classCount: Int
        let reference: Int
        let featureNames: [String]
        let groups: [PredictorGroup]
        var method = LogitMethod.ml
        let addIntercept: Bool
        let maxIterations: Int?
        let tolerance: Double?
        var confidenceLevel = 0.95

        var forcedColumns: [Int] {
            let grouped = Set(groups.flatMap(\.columns))
            return featureNames.indices.filter { !grouped.contains($0) }
        }

        /// Fits with the groups `included` (indices into `groups`), keeping the original column
        /// order. A failure of the starting model is rethrown with that context.
        func fit(_ included: [Int], startingModel: Bool) throws -> MultinomialLogitFit {
            let columns = self.columns(included)
            do {
                return try MultinomialLogit.fit(
                    x: x.map { row in columns.map { row[$0] } }, y: y, classCount: classCount,
                    reference: reference, featureNames: columns.map { featureNames[$0] },
                    method: method, addIntercept: addIntercept, maxIterations: maxIterations,
                    tolerance: tolerance, confidenceLevel: confidenceLevel)
            } catch let error as StatsError where startingModel {
                throw error.prefixed("backward elimination cannot start, the model with every group fails: ")
            }
        }

        /// Columns of the model with the groups `included`, in the original order.
        func columns(_ included: [Int]) -> [Int] {
            let keep = Set(forcedColumns + included.flatMap { groups[$0].columns })
            return featureNames.indices.filter { keep.contains($0) }
        }

        /// The drop-one test of `group` against `current` (the model with `remaining`): the
        /// likelihood-ratio test for ML, the nested penalised one for Firth.
        func dropOneTest(
            _ remaining: [Int], _ current: MultinomialLogitFit, _ reduced: MultinomialLogitFit,
            dropping group: Int
        ) throws -> LikelihoodRatioTest {
            guard method == .firth else {
                return try MultinomialLogit.likelihoodRatioTest(full: current, reduced: reduced)
            }
            let columns = self.columns(remaining)
            return try MultinomialLogit.penalizedLikelihoodRatioTest(
                full: current, x: x.map { row in columns.map { row[$0] } }, y: y,
                dropping: groups[group].columns.map { featureNames[$0] },
                maxIterations: maxIterations, tolerance: tolerance)
        }
    }
}

extension StatsError {
    /// The same error with `context` in front of its message.
    func prefixed(_ context: String) -> StatsError {
        switch self {
        case .invalidInput(let m): return .invalidInput(context + m)
        case .tooLarge(let m): return .tooLarge(context + m)
        case .notConverged(let m): return .notConverged(context + m)
        case .singular(let m): return .singular(context + m)
        case .separation(let m): return .separation(context + m)
        }
    }
}

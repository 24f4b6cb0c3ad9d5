/// An AUC statistic that is either defined or undefined for a stated reason.
///
/// An AUC needs at least one case and one control (DeLong's variance needs two of each);
/// where the data do not allow it SinoRad says why, never reporting 0.5 or NaN in its place.
///
/// Deliberately not `Codable`: Swift's synthesized coding of an enum with associated values
/// (`{"defined": {"_0": 0.86}}`) is no format for R or pandas. A type that stores one writes
/// its value as a number or null and the reason beside it (see `MulticlassAUC`).
public enum AUCOutcome<Value: Sendable & Equatable>: Sendable, Equatable {
    case defined(Value)
    case undefined(reason: String)

    /// The value, or nil when undefined.
    public var value: Value? {
        if case .defined(let value) = self { return value }
        return nil
    }

    /// Why the statistic is undefined, or nil when it is defined.
    public var undefinedReason: String? {
        if case .undefined(let reason) = self { return reason }
        return nil
    }
}

/// Input checks shared by the ROC/AUC statistics (done once, at the public boundary).
enum ROCInput {
    static func requireScores(_ scores: [Double], matching isCase: [Bool], _ what: String = "scores") throws {
        guard scores.count == isCase.count else {
            throw StatsError.invalidInput(
                "\(what) has \(scores.count) values but there are \(isCase.count) case/control flags")
        }
        try GroupInput.requireFinite(scores, what)
    }

    /// nil when both groups are large enough, else the reason the statistic is undefined.
    static func undefinedReason(cases: Int, controls: Int, minimum: Int = 1) -> String? {
        if cases < minimum || controls < minimum {
            let need = minimum == 1 ? "at least one case and one control" : "at least \(minimum) cases and \(minimum) controls"
            return "needs \(need); got \(cases) case(s) and \(controls) control(s)"
        }
        return nil
    }
}

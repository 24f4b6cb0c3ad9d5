/// Input checks shared by the group tests, done once at the boundary so each test's
/// arithmetic can assume clean data.
///
/// scipy would propagate NaN (nan_policy="propagate") and return NaN statistics for empty
/// or degenerate groups; SinoStats raises `StatsError.invalidInput` instead so a Table 1
/// never shows a silent "nan". Callers drop missing values before calling a test.
enum GroupInput {
    /// Rejects NaN and infinities in one sample.
    static func requireFinite(_ values: [Double], _ what: String) throws {
        if let bad = values.first(where: { !$0.isFinite }) {
            throw StatsError.invalidInput(
                "\(what) contains \(bad); drop missing values before running the test")
        }
    }

    /// Rejects fewer than two groups, a group below `minimumPerGroup` values, or non-finite values.
    static func requireGroups(_ groups: [[Double]], minimumPerGroup: Int, test: String) throws {
        guard groups.count >= 2 else {
            throw StatsError.invalidInput("\(test) needs at least 2 groups, got \(groups.count)")
        }
        for (index, group) in groups.enumerated() {
            guard group.count >= minimumPerGroup else {
                throw StatsError.invalidInput(
                    "\(test) needs at least \(minimumPerGroup) value(s) per group; "
                        + "group \(index + 1) has \(group.count)")
            }
            try requireFinite(group, "group \(index + 1)")
        }
    }
}

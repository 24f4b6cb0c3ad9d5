/// What SinoClassifiers refuses, with what was given and what was expected.
public enum ClassifierError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No rows to train on or to predict.
    case emptyInput(String)
    /// The numbers of rows and of labels differ.
    case labelCountMismatch(rows: Int, labels: Int)
    /// A training row whose length differs from the first row's.
    case raggedRows(row: Int, count: Int, expected: Int)
    /// A row to predict whose length differs from the number of features the model was fitted on.
    case featureCountMismatch(row: Int, count: Int, expected: Int)
    /// A NaN or infinite entry where the model needs finite values (libsvm has no missing values).
    case nonFiniteValue(row: Int, column: Int, value: Double)
    /// A label outside 0..<classCount.
    case labelOutOfRange(row: Int, label: Int, classCount: Int)
    /// `classCount` below 2.
    case invalidClassCount(Int)
    /// Fewer than two classes among the labels.
    case tooFewClasses(present: [Int], classCount: Int)
    /// A hyper-parameter outside its domain.
    case invalidHyperParameter(name: String, value: String, expected: String)
    /// `predictProbabilities` on a support vector classifier fitted without `probability`.
    case probabilityNotEnabled
    /// A prediction asked of a model that was never fitted.
    case notFitted(String)
    /// A C library refused a call: the library, the function and the library's own message.
    case library(name: String, function: String, message: String)

    public var description: String {
        switch self {
        case .emptyInput(let what):
            "\(what) has no rows: expected at least one row"
        case .labelCountMismatch(let rows, let labels):
            "x has \(rows) rows but y has \(labels) labels: expected one label per row"
        case .raggedRows(let row, let count, let expected):
            "row \(row) has \(count) values: expected \(expected), as row 0 has (rows of equal length)"
        case .featureCountMismatch(let row, let count, let expected):
            "row \(row) has \(count) values: expected \(expected), the number of features the model was fitted on"
        case .nonFiniteValue(let row, let column, let value):
            "row \(row), column \(column) is \(value): expected finite values (libsvm has no missing values)"
        case .labelOutOfRange(let row, let label, let classCount):
            "label \(label) at row \(row): expected a class index in 0..<\(classCount)"
        case .invalidClassCount(let count):
            "classCount \(count): expected at least 2"
        case .tooFewClasses(let present, let classCount):
            "y holds \(present.count) class\(present.count == 1 ? "" : "es") (\(present.map(String.init).joined(separator: ", "))) "
                + "of \(classCount): expected at least 2 classes to train on"
        case .invalidHyperParameter(let name, let value, let expected):
            "\(name) = \(value): expected \(expected)"
        case .probabilityNotEnabled:
            "predictProbabilities needs a model fitted with probability = true (as sklearn's SVC, whose "
                + "predict_proba is not available when probability=False): set probability and fit again"
        case .notFitted(let estimator):
            "\(estimator) is not fitted: call fit(x:y:classCount:) first"
        case .library(let name, let function, let message):
            "\(name) \(function) failed: \(message)"
        }
    }
}

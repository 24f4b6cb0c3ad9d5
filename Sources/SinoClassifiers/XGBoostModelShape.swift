import Foundation

/// The number of features and classes of a loaded XGBoost model, read from its JSON
/// configuration (`learner.learner_model_param`: `num_feature`, and `num_class`, which is "0"
/// for a binary:logistic model).
struct XGBoostModelShape {
    let featureCount: Int
    let classCount: Int

    init(configuration: String) throws {
        let object = try? JSONSerialization.jsonObject(with: Data(configuration.utf8))
        let learner = (object as? [String: Any])?["learner"] as? [String: Any]
        let parameters = learner?["learner_model_param"] as? [String: Any]
        guard let features = (parameters?["num_feature"] as? String).flatMap({ Int($0) }),
            let classes = (parameters?["num_class"] as? String).flatMap({ Int($0) })
        else {
            throw ClassifierError.library(
                name: "XGBoost", function: "XGBoosterSaveJsonConfig",
                message: "no learner_model_param num_feature / num_class: expected a classifier's configuration")
        }
        featureCount = features
        classCount = classes == 0 ? 2 : classes
    }
}

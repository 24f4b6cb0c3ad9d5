@preconcurrency import CLibSVM

/// The C-SVC settings one `svm_train` call takes (libsvm 3.24's `svm_parameter`).
struct LibSVMSettings {
    var kernel: SVMKernel
    var degree: Int
    var gamma: Double
    var coef0: Double
    var cacheSize: Double
    var tolerance: Double
    var c: Double
    /// (libsvm label, factor multiplying C for that label).
    var weights: [(label: Int32, factor: Double)]
    var shrinking: Bool
}

/// libsvm's progress output ("optimization finished, #iter = ...") goes to a no-op: a library
/// must not print. Set once, before the first `svm_train`, through a thread-safe global.
private let libsvmSilenced: Void = svm_set_print_string_function { _ in }

enum LibSVMTraining {
    /// Trains a C-SVC on rows `rows` of `nodes` with labels `labels` (libsvm orders the classes
    /// by first appearance). The model points into `nodes`; the caller keeps them alive and
    /// frees the model with `svm_free_and_destroy_model`.
    /// With `kernelRows`, libsvm reads the precomputed kernel values of those rows instead
    /// (the same numbers; the model's support vectors are then kernel rows, see
    /// `SVMKernelRows`).
    static func train(
        nodes: SVMNodeMatrix, rows: [Int], labels: [Double], settings: LibSVMSettings, kernelRows: SVMKernelRows? = nil
    ) throws -> UnsafeMutablePointer<svm_model> {
        _ = libsvmSilenced
        var x: [UnsafeMutablePointer<svm_node>?] = rows.map { kernelRows?.trainingRow($0) ?? nodes.row($0) }
        var y = labels
        var weightLabels = settings.weights.map(\.label)
        var weights = settings.weights.map(\.factor)
        return try x.withUnsafeMutableBufferPointer { xBuffer in
            try y.withUnsafeMutableBufferPointer { yBuffer in
                try weightLabels.withUnsafeMutableBufferPointer { labelBuffer in
                    try weights.withUnsafeMutableBufferPointer { weightBuffer in
                        var problem = svm_problem(l: Int32(rows.count), y: yBuffer.baseAddress, x: xBuffer.baseAddress)
                        var parameter = svm_parameter(
                            svm_type: Int32(C_SVC), kernel_type: kernelRows == nil ? settings.kernel.libsvmType : Int32(PRECOMPUTED), degree: Int32(settings.degree),
                            gamma: settings.gamma, coef0: settings.coef0, cache_size: settings.cacheSize,
                            eps: settings.tolerance, C: settings.c, nr_weight: Int32(settings.weights.count),
                            weight_label: labelBuffer.baseAddress, weight: weightBuffer.baseAddress,
                            nu: 0.5, p: 0.1, shrinking: settings.shrinking ? 1 : 0, probability: 0)
                        if let problemText = svm_check_parameter(&problem, &parameter) {
                            throw ClassifierError.library(
                                name: "libsvm", function: "svm_check_parameter", message: String(cString: problemText))
                        }
                        guard let model = svm_train(&problem, &parameter) else {
                            throw ClassifierError.library(name: "libsvm", function: "svm_train", message: "no model returned")
                        }
                        // The model copied the parameter, whose weight arrays are about to go away.
                        model.pointee.param.nr_weight = 0
                        model.pointee.param.weight_label = nil
                        model.pointee.param.weight = nil
                        return model
                    }
                }
            }
        }
    }
}

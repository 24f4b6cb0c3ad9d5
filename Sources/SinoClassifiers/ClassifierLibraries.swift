@preconcurrency import CLibSVM
import CXGBoost

/// The versions of the C libraries the classifiers are driven through, as the libraries
/// themselves report them (recorded in provenance and compared with the fixtures' versions).
public enum ClassifierLibraries {
    /// libsvm's `LIBSVM_VERSION` as the linked library reports it (324 for 3.24).
    public static var libsvmVersion: Int { Int(libsvm_version) }

    /// XGBoost's version as `XGBoostVersion` reports it ("1.7.4" for Debian's libxgboost-dev).
    public static var xgboostVersion: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        XGBoostVersion(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}

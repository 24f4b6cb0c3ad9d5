import Testing

@testable import SinoClassifiers

@Suite("Classifier libraries")
struct ClassifierLibrariesTests {
    @Test("The linked libsvm and XGBoost are the versions the fixtures were made with")
    func versions() {
        #expect(ClassifierLibraries.libsvmVersion == 324)
        #expect(ClassifierLibraries.xgboostVersion == "1.7.4")
    }
}

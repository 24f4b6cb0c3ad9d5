/// SinoRad's version, recorded in model files, stage keys, provenance and radiomics
/// diagnostics.
public enum SinoRadVersion {
    public static let current = "0.1.0"
}

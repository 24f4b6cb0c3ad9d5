import Foundation
import SinoImaging

/// The study's image layout (data-schema/images.md) as radiomics reads it:
/// `<root>/<patient_id>/<SEQ>.<ext>` with the sequence's own mask `<SEQ>_mask.<ext>` or the
/// patient's shared `mask.<ext>`, `<ext>` one of `ImageManifest.extensions` in its order. Only
/// the files are found here; reading them is the extraction's (`ImageManifest.check` would
/// read every image a second time).
public enum StudyImages {
    public struct Missing: Error, Sendable, Equatable {
        public var message: String
    }

    /// The image and mask of one patient's sequence, or what is missing.
    public static func locate(root: String, patient: String, sequence: String) -> Result<(image: String, mask: String), Missing> {
        let folder = (root as NSString).appendingPathComponent(patient)
        func find(_ name: String) -> String? {
            for ext in ImageManifest.extensions {
                let path = (folder as NSString).appendingPathComponent("\(name).\(ext)")
                if FileManager.default.fileExists(atPath: path) { return path }
            }
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .failure(Missing(message: "\(folder): no folder for patient \(patient)"))
        }
        guard let image = find(sequence) else {
            return .failure(Missing(message: "\(folder): no \(sequence) image (expected \(sequence).nii.gz, .nii, .nrrd or .nhdr)"))
        }
        guard let mask = find("\(sequence)_mask") ?? find("mask") else {
            return .failure(Missing(message: "\(folder): no mask for \(sequence) (expected \(sequence)_mask.nii.gz or mask.nii.gz, or .nii/.nrrd/.nhdr)"))
        }
        return .success((image, mask))
    }
}

import Foundation
import SinoData
import SinoForest
import SinoImaging
import SinoNet
import SinoRadiomics
import SinoSelection
import SinoStudy

/// One fuzz target: a parser fed the fuzzer's bytes. Any thrown error is an accepted outcome
/// (the parser refused the input with a message); a crash, a trap, a sanitizer report, a hang
/// or a runaway allocation is a finding.
struct FuzzTarget: Sendable {
    let name: String
    let summary: String
    let run: @Sendable ([UInt8]) throws -> Void
}

/// A scratch file on a memory file system for the parsers that read paths.
enum Scratch {
    static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let folder = "\(base)/sinorad-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: "/dev/shm/sinorad-fuzz-\(getpid())") }
        return folder
    }()

    /// Two files from one input: a little-endian UInt16 length, then that many bytes for the
    /// first file, the rest for the second (a header and its data).
    static func pair(_ bytes: [UInt8]) -> (first: [UInt8], second: [UInt8]) {
        guard bytes.count >= 2 else { return (bytes, []) }
        let length = min(Int(bytes[0]) | Int(bytes[1]) << 8, bytes.count - 2)
        return (Array(bytes[2..<(2 + length)]), Array(bytes[(2 + length)...]))
    }

    static func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = "\(folder)/\(name)"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

let fuzzTargets: [FuzzTarget] = [
    FuzzTarget(name: "csv", summary: "CSVTable.parse: RFC 4180 records, header checks") { bytes in
        _ = try CSVTable.parse(data: Data(bytes), source: "fuzz.csv")
    },
    FuzzTarget(name: "cohort", summary: "a cohort CSV loaded with the built-in sinonasal dictionary, then with inferred kinds") { bytes in
        let table = try CSVTable.parse(data: Data(bytes), source: "cohort.csv")
        _ = try? CohortLoader.load(table: table, dictionary: .sinonasal())
        _ = try CohortLoader.load(table: table, dictionary: nil)
    },
    FuzzTarget(name: "dictionary", summary: "VariableDictionary.decode: the dictionary JSON") { bytes in
        _ = try VariableDictionary.decode(Data(bytes), source: "dictionary.json")
    },
    FuzzTarget(name: "predictions", summary: "Predictions.parse: a predictions CSV") { bytes in
        _ = try Predictions.parse(CSVTable.parse(data: Data(bytes), source: "predictions.csv"))
    },
    FuzzTarget(name: "reads", summary: "ReaderReads.parse: a reader-study CSV") { bytes in
        _ = try ReaderReads.parse(CSVTable.parse(data: Data(bytes), source: "reads.csv"), classes: ClassSet(["SCC", "ACC", "ONB"]))
    },
    FuzzTarget(name: "features", summary: "FeatureTable.read: a radiomics feature table (both routes)") { bytes in
        _ = try FeatureTable.read(path: Scratch.file("features.csv", bytes), threads: 2)
    },
    FuzzTarget(name: "studyconfig", summary: "StudyConfig.read: the study config JSON, files not checked") { bytes in
        _ = try StudyConfig.read(data: Data(bytes), source: "study.json", base: URL(fileURLWithPath: Scratch.folder), checkFiles: false)
    },
    FuzzTarget(name: "nifti", summary: "NIfTI.read and readSlices: .nii and .nii.gz (gzip detected by its magic)") { bytes in
        let path = Scratch.file("image.nii", bytes)
        _ = try? NIfTI.readSlices(path, 1..<3)
        _ = try NIfTI.read(path, allowNaN: true)
    },
    FuzzTarget(name: "nrrd", summary: "NRRD.read: attached-header NRRD, every encoding") { bytes in
        _ = try NRRD.read(Scratch.file("image.nrrd", bytes), allowNaN: true)
    },
    FuzzTarget(name: "nifti-pair", summary: "NIfTI.read: a .hdr/.img pair (input: UInt16 length, .hdr bytes, .img bytes)") { bytes in
        let (header, data) = Scratch.pair(bytes)
        _ = Scratch.file("pair.img", data)
        _ = try NIfTI.read(Scratch.file("pair.hdr", header), allowNaN: true)
    },
    FuzzTarget(name: "nrrd-detached", summary: "NRRD.read: a detached .nhdr and its data file (input: UInt16 length, .nhdr, data.bin)") { bytes in
        let (header, data) = Scratch.pair(bytes)
        _ = Scratch.file("data.bin", data)
        _ = try NRRD.read(Scratch.file("image.nhdr", header), allowNaN: true)
    },
    FuzzTarget(name: "safetensors", summary: "SafeTensors(data:): header JSON, dtypes, offsets, every tensor read") { bytes in
        let file = try SafeTensors(data: Data(bytes), source: "weights.safetensors")
        for name in file.names {
            _ = try? file.floatTensor(name)
            _ = try? file.int64Values(name)
        }
    },
    FuzzTarget(name: "forest", summary: "ForestClassifier.load: a forest's binary model file (model.forest)") { bytes in
        _ = try ForestClassifier.load(from: URL(fileURLWithPath: Scratch.file("model.forest", bytes)))
    },
    FuzzTarget(name: "forest-json", summary: "ConventionalModel.load: a saved conventional model's model.json") { bytes in
        _ = try ConventionalModel.load(Scratch.file("model.json", bytes))
    },
    FuzzTarget(name: "params-yaml", summary: "ParameterFile.parse: a PyRadiomics parameter file in YAML") { bytes in
        _ = try ParameterFile.parse(text: String(decoding: bytes, as: UTF8.self), source: "params.yaml")
    },
    FuzzTarget(name: "params-json", summary: "ParameterFile.parse: a PyRadiomics parameter file in JSON") { bytes in
        _ = try ParameterFile.parse(text: String(decoding: bytes, as: UTF8.self), source: "params.json")
    }
]

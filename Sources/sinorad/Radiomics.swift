import ArgumentParser
import Foundation
import SinoData
import SinoRadiomics

#if os(Linux)
    /// glibc's `mallopt` (malloc.h, which the Glibc module does not export).
    @_silgen_name("mallopt")
    private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

struct Radiomics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radiomics",
        abstract: "Extract PyRadiomics 3.0.1 features (same names and values), select them (glmnet LASSO, mRMR, ICC) and train radiomics models.",
        subcommands: [Extract.self, Select.self, Model.self])

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
    enum MapFormat: String, ExpressibleByArgument, CaseIterable { case nrrd, nifti }

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extract features of one case, a PyRadiomics batch CSV, or a study's image folder.",
            discussion: """
                Settings come from a PyRadiomics parameter file (YAML or JSON, --params; without one, \
                PyRadiomics' defaults: the Original image, every class but shape2D, binWidth 25). The \
                file is checked first and every problem is listed at once (docs/RADIOMICS.md).

                One case:    --image I --mask M [--label N]
                Batch:       --batch cases.csv (columns Image and Mask, optional Label; every column \
                is copied to the output, as PyRadiomics' batch mode), --jobs threads
                Study:       --images DIR --cohort CSV [--sequences T2WI,CE-T1WI,ADC]: DIR/<patient_id>/<SEQ>.nii.gz \
                (or .nii, .nrrd, .nhdr) with <SEQ>_mask.* or mask.*; one row per patient, columns \
                named <SEQ>_<feature>
                Voxel-based: --voxel --out-dir D writes one map per feature (NRRD or NIfTI, float64, \
                on the grid of the image cropped to the ROI box padded by kernelRadius)

                The table (CSV, or JSON: a list of objects) holds one row per complete case and is \
                written atomically. In a batch a failing case does not stop the others: failures are \
                listed at the end and the exit status is 1. Diagnostics columns (diagnostics_*: \
                versions, settings, hashes, spacing, bounding box, voxel counts) only with --diagnostics.

                Examples:
                  sinorad radiomics extract --image ct.nrrd --mask seg.nrrd --params Params.yaml
                  sinorad radiomics extract --batch cases.csv --params exampleMR.yaml --jobs 2 --out features.csv
                  sinorad radiomics extract --images images --cohort cohort.csv --out radiomics.csv
                  sinorad radiomics extract --image t2.nii.gz --mask mask.nii.gz --voxel --out-dir maps
                """)

        @Option(help: "The image (NIfTI .nii/.nii.gz or NRRD .nrrd/.nhdr).")
        var image: String?
        @Option(help: "The mask (same formats); voxels equal to the label form the ROI.")
        var mask: String?
        @Option(help: "The label of the ROI (overrides the parameter file's; default 1).")
        var label: Int?
        @Option(help: "A PyRadiomics parameter file (.yaml, .yml or .json).")
        var params: String?
        @Option(help: "A batch CSV with columns Image, Mask and optionally Label.")
        var batch: String?
        @Option(help: "A study's image folder: <patient_id>/<SEQ>.nii.gz with masks.")
        var images: String?
        @Option(help: "The cohort CSV whose patient_id column lists the patients (with --images).")
        var cohort: String?
        @Option(help: "Sequences to extract (with --images), comma-separated.")
        var sequences: String = "T2WI,CE-T1WI,ADC"
        @Option(help: "Cases extracted at once (threads). The output does not depend on it.")
        var jobs: Int = 1
        @Option(help: "Output table (stdout when absent).")
        var out: String?
        @Option(help: "Output format: csv or json.")
        var format: Format = .csv
        @Flag(help: "Include the diagnostics_* columns.")
        var diagnostics = false
        @Flag(help: "Voxel-based extraction: feature maps instead of values (needs --out-dir).")
        var voxel = false
        @Option(help: "Folder for the feature maps of --voxel.")
        var outDir: String?
        @Option(help: "Format of the feature maps: nrrd or nifti.")
        var mapFormat: MapFormat = .nrrd

        func validate() throws {
            let modes = [image != nil || mask != nil, batch != nil, images != nil || cohort != nil].filter { $0 }.count
            guard modes == 1 else { throw ValidationError("give one of: --image and --mask; --batch CSV; --images DIR with --cohort CSV") }
            if image != nil || mask != nil {
                guard image != nil && mask != nil else { throw ValidationError("--image and --mask go together") }
            }
            if images != nil || cohort != nil {
                guard images != nil && cohort != nil else { throw ValidationError("--images and --cohort go together") }
                guard !voxel else { throw ValidationError("--voxel works on --image/--mask or --batch, not on a study folder") }
            }
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            if let label { guard label > 0 else { throw ValidationError("--label must be a whole number > 0") } }
            if voxel { guard outDir != nil else { throw ValidationError("--voxel needs --out-dir for the maps") } }
            if outDir != nil { guard voxel else { throw ValidationError("--out-dir is for the maps of --voxel") } }
        }

        func run() throws {
            keepFreedMemory()
            var extractor = try params.map { RadiomicsExtractor(document: try ParameterFile.load(path: $0)) } ?? RadiomicsExtractor()
            extractor.diagnostics = diagnostics
            if let images, let cohort {
                try runStudy(extractor: extractor, images: images, cohort: cohort)
                return
            }
            let cases: [RadiomicsCase]
            if let batch {
                cases = try RadiomicsCase.batch(csv: batch).map { item in
                    var item = item
                    if let label { item.label = label }
                    return item
                }
            } else {
                cases = [RadiomicsCase(id: image!, image: image!, mask: mask!, label: label, passThrough: [("Image", image!), ("Mask", mask!)])]
            }
            let progress: (@Sendable (String) -> Void)? = cases.count > 1 ? { @Sendable line in note(line) } : nil
            let results = RadiomicsBatch.run(cases, extractor: extractor, voxelBased: voxel, jobs: jobs, progress: progress)
            var complete: [(RadiomicsCase, RadiomicsResult)] = []
            var failures: [RadiomicsCaseError] = []
            for (item, result) in zip(cases, results) {
                switch result {
                case .success(let value): complete.append((item, value))
                case .failure(let error): failures.append(error)
                }
            }
            if cases.count == 1, let failure = failures.first { throw CommandFailure(message: failure.reason) }
            if voxel, let outDir {
                try writeMaps(complete, to: outDir, single: cases.count == 1)
            }
            try writeTable(complete)
            try reportFailures(failures, total: cases.count)
        }

        /// Extraction allocates and frees image-sized arrays (a few MB) for every case and image
        /// type; glibc would map each afresh and fault its pages in again. Keeping freed memory in
        /// the heap (mmap and trim thresholds of 256 MiB) makes a batch about an eighth faster;
        /// peak memory stays within a few MB, since the same sizes are reused.
        func keepFreedMemory() {
            #if os(Linux)
                let trimThreshold: Int32 = -1 // M_TRIM_THRESHOLD
                let mmapThreshold: Int32 = -3 // M_MMAP_THRESHOLD
                _ = mallopt(mmapThreshold, 256 << 20)
                _ = mallopt(trimThreshold, 256 << 20)
            #endif
        }

        /// Writes each case's maps into outDir (a batch: one sub-folder per case, case-<row>).
        func writeMaps(_ results: [(RadiomicsCase, RadiomicsResult)], to folder: String, single: Bool) throws {
            let ext = mapFormat == .nrrd ? "nrrd" : "nii.gz"
            for (item, result) in results {
                let dir = single ? folder : (folder as NSString).appendingPathComponent(item.id.replacingOccurrences(of: " ", with: "-"))
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for (key, map) in result.maps { try map.writeFloat64(to: (dir as NSString).appendingPathComponent("\(key).\(ext)")) }
                note("wrote \(result.maps.count) feature maps to \(dir)")
            }
        }

        func writeTable(_ results: [(RadiomicsCase, RadiomicsResult)]) throws {
            let table = RadiomicsTable.rows(results, diagnostics: diagnostics)
            try emit(header: table.header, rows: table.rows)
        }

        func emit(header: [String], rows: [[String]]) throws {
            let text: String
            switch format {
            case .csv: text = CSVWriter.text(header: header, rows: rows)
            case .json:
                let objects = rows.map { row in
                    "  {" + zip(header, row).map { "\(Self.jsonString($0)): \(Self.jsonValue($1))" }.joined(separator: ", ") + "}"
                }
                text = "[\n" + objects.joined(separator: ",\n") + "\n]\n"
            }
            if let out {
                try AtomicFile.write(text, to: out)
                note("wrote \(rows.count) row(s) x \(header.count) column(s) to \(out)")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }

        func reportFailures(_ failures: [RadiomicsCaseError], total: Int) throws {
            guard !failures.isEmpty else { return }
            note("\(failures.count) of \(total) case(s) failed (left out of the table):")
            for failure in failures { note("  \(failure)") }
            throw ExitCode(1)
        }

        /// --images/--cohort: one row per patient, the sequence in each column name.
        func runStudy(extractor: RadiomicsExtractor, images: String, cohort: String) throws {
            let table = try CSVTable.read(path: cohort)
            guard let idColumn = table.columnIndex("patient_id") else {
                throw CommandFailure(message: "\(cohort) has no patient_id column (its columns: \(table.header.joined(separator: ", ")))")
            }
            let sequences = self.sequences.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !sequences.isEmpty else { throw ValidationError("--sequences is empty") }
            let patients = table.rows.map { $0[idColumn] }
            var cases: [RadiomicsCase] = []
            var owners: [(patient: String, sequence: String)] = []
            var problems: [String] = []
            for patient in patients {
                for sequence in sequences {
                    switch StudyImages.locate(root: images, patient: patient, sequence: sequence) {
                    case .success(let files):
                        cases.append(RadiomicsCase(id: "\(patient) \(sequence)", image: files.image, mask: files.mask, label: label))
                        owners.append((patient, sequence))
                    case .failure(let problem): problems.append(problem.message)
                    }
                }
            }
            guard problems.isEmpty else { throw CommandFailure(message: "the image folder is incomplete:\n  " + problems.joined(separator: "\n  ")) }
            let results = RadiomicsBatch.run(cases, extractor: extractor, jobs: jobs, progress: { @Sendable line in note(line) })
            var failures: [RadiomicsCaseError] = []
            var byPatient: [String: [String: RadiomicsResult]] = [:]
            for (owner, result) in zip(owners, results) {
                switch result {
                case .success(let value): byPatient[owner.patient, default: [:]][owner.sequence] = value
                case .failure(let error): failures.append(error)
                }
            }
            var header = ["patient_id"]
            var seen = Set<String>()
            for sequence in sequences {
                for patient in patients {
                    guard let result = byPatient[patient]?[sequence] else { continue }
                    for (key, _) in result.entries where diagnostics || !key.hasPrefix("diagnostics_") {
                        let column = "\(sequence)_\(key)"
                        if seen.insert(column).inserted { header.append(column) }
                    }
                }
            }
            var rows: [[String]] = []
            for patient in patients {
                guard let bySequence = byPatient[patient], bySequence.count == sequences.count else { continue }
                var cells: [String: String] = [:]
                for (sequence, result) in bySequence {
                    for (key, value) in result.entries { cells["\(sequence)_\(key)"] = value.cell }
                }
                rows.append([patient] + header.dropFirst().map { cells[$0] ?? "" })
            }
            try emit(header: header, rows: rows)
            try reportFailures(failures, total: cases.count)
        }

        static func jsonString(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }

        /// A cell as JSON: finite numbers as numbers, everything else (text, NaN, tuples) as strings.
        static func jsonValue(_ cell: String) -> String {
            if let v = Double(cell), v.isFinite, !cell.isEmpty, cell.first != "+" { return cell }
            return jsonString(cell)
        }
    }
}

import ArgumentParser
import Foundation
import SinoData
import SinoImaging
import SinoReport

/// `sinorad image`: look inside NIfTI and NRRD files and check a study's image folder.
struct Image: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Inspect NIfTI and NRRD images (header, grid, orientation, intensities) and check a study's image folder.",
        subcommands: [Info.self, Check.self])

    enum Format: String, ExpressibleByArgument, CaseIterable { case md, json }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a NIfTI or NRRD file's header, shape, voxel size, affine, orientation and intensity summary.",
            discussion: """
                Reads NIfTI-1 and NIfTI-2 (.nii, .nii.gz, .hdr/.img) in either byte order. The affine \
                is the one nibabel uses (sform if sform_code is set, else qform, else the fallback); \
                intensities are the scaled values (scl_slope, scl_inter applied). JSON output follows \
                data-schema/image_info.schema.json.

                Reads NRRD too (.nrrd, .nhdr; docs/NRRD.md): the header, SimpleITK's spacing, origin \
                and direction (LPS) and the RAS+ affine SinoRad uses.

                Examples:
                  sinorad image info images/P001/T2WI.nii.gz --format json
                  sinorad image info case1_label.nrrd
                """)

        @Argument(help: "The NIfTI file (.nii, .nii.gz or .hdr) or NRRD file (.nrrd, .nhdr).")
        var file: String

        @Option(help: "Output format: md or json.")
        var format: Format = .md

        @Flag(name: .customLong("allow-nan"), help: "Summarise an image with NaN voxels (left out of the summary and counted) instead of refusing it.")
        var allowNaN = false

        func run() throws {
            if NRRD.handles(file) {
                let info = NRRDInfo(try NRRD.read(file, allowNaN: allowNaN))
                switch format {
                case .json: print(String(decoding: try JSONEncoder.sinorad.encode(info), as: UTF8.self))
                case .md: print(Image.markdown(info))
                }
                return
            }
            let info = NIfTIInfo(try NIfTI.read(file, allowNaN: allowNaN))
            switch format {
            case .json: print(String(decoding: try JSONEncoder.sinorad.encode(info), as: UTF8.self))
            case .md: print(Image.markdown(info))
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every patient of a cohort has its images and ROI masks, readable and on the same grid.",
            discussion: """
                Expects DIR/<patient_id>/<SEQ>.nii.gz (or .nii) for each sequence, and a mask:
                DIR/<patient_id>/mask.nii.gz for all sequences or <SEQ>_mask.nii.gz per sequence \
                (see data-schema/images.md). Every file is read; every problem (missing folder, \
                image or mask, unreadable or invalid file, NaN voxels, a mask off its image's grid, \
                an empty mask) is listed at once and the exit status is 1.

                Example:
                  sinorad image check --images data/images --cohort data/cohort.csv --sequences T2WI,ADC
                """)

        @Option(help: "The images folder: one sub-folder per patient.")
        var images: String

        @Option(help: "Cohort CSV; its patient_id column lists the patients to check.")
        var cohort: String

        @Option(help: "Sequences, comma-separated.")
        var sequences: String = ImageManifest.defaultSequences.joined(separator: ",")

        @Option(help: "Output format: md or json.")
        var format: Format = .md

        func run() throws {
            let names = sequences.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty, Set(names).count == names.count else {
                throw CommandFailure(message: "--sequences must list distinct sequence names, e.g. T2WI,CE-T1WI,ADC (got '\(sequences)')")
            }
            let manifest = ImageManifest.check(root: images, patients: try patientIDs(), sequences: names)
            switch format {
            case .json: print(String(decoding: try JSONEncoder.sinorad.encode(manifest), as: UTF8.self))
            case .md: print(Image.markdown(manifest))
            }
            _ = try manifest.validated()
        }

        /// The patient_id column of the cohort, in order, without repeats.
        func patientIDs() throws -> [String] {
            let table = try CSVTable.read(path: cohort)
            guard let column = table.columnIndex("patient_id") else {
                throw ValidationError(
                    Problem(
                        file: cohort, column: "patient_id", message: "the column is missing",
                        expected: "a patient_id column naming each patient's image folder"))
            }
            var seen = Set<String>()
            return table.rows.map { $0[column].trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        }
    }

    // MARK: - Markdown

    static func number(_ x: Double, digits: Int = 7) -> String {
        if x.isNaN { return "NaN" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return String(format: "%.\(digits)g", x)
    }

    static func list(_ values: [Double], _ separator: String = " ") -> String { values.map { number($0) }.joined(separator: separator) }

    static func markdown(_ info: NIfTIInfo) -> String {
        let h = info.header
        let scaling =
            info.scaling.map { "\(number($0.slope)) / \(number($0.intercept))" }
            ?? "\(number(h.sclSlope)) / \(number(h.sclInter)) (not applied)"
        var rows: [(String, String)] = [
            ("format", "NIfTI-\(info.version) (\(h.magic)), \(info.byteOrder)-endian\(info.compressed ? ", gzip" : "")"),
            ("datatype", "\(info.datatype) (code \(h.datatype), \(h.bitpix) bits)"),
            ("shape", info.shape.map(String.init).joined(separator: " x ")),
            ("voxel size", list(info.voxelSize, " x ")),
            ("dim", h.dim.map(String.init).joined(separator: " ")),
            ("pixdim", list(h.pixdim)),
            ("vox_offset", number(h.voxOffset)),
            ("scl_slope / scl_inter", scaling),
            ("qform_code", "\(h.qformCode) (\(info.qformName))"),
            ("sform_code", "\(h.sformCode) (\(info.sformName))"),
            ("affine from", info.affineSource),
            ("orientation", info.orientation)
        ]
        if !h.descrip.isEmpty { rows.append(("descrip", h.descrip)) }
        var lines = ["# \(info.file)", "", "| field | value |", "| --- | --- |"]
        lines += rows.map { "| \($0.0) | \($0.1.replacingOccurrences(of: "|", with: "\\|")) |" }
        lines += ["", "Affine (voxel to world, mm):", "", "| | | | |", "| ---: | ---: | ---: | ---: |"]
        lines += info.affine.map { "| " + $0.map { number($0) }.joined(separator: " | ") + " |" }
        let s = info.intensity
        lines += [
            "", "Intensity (scaled values):", "", "| voxels | NaN | min | max | mean | sum |", "| ---: | ---: | ---: | ---: | ---: | ---: |",
            "| \(s.count) | \(s.nanCount) | " + [s.min, s.max, s.mean, s.sum].map { number($0, digits: 12) }.joined(separator: " | ") + " |"
        ]
        return lines.joined(separator: "\n")
    }

    static func markdown(_ info: NRRDInfo) -> String {
        var rows: [(String, String)] = [
            ("format", "\(info.magic), \(info.encoding)\(info.endian.map { ", \($0)-endian" } ?? "")"),
            ("type", info.type),
            ("sizes", info.sizes.map(String.init).joined(separator: " x ")),
            ("space", info.space ?? "none"),
            ("spacing (SimpleITK)", list(info.spacing, " x ")),
            ("origin (SimpleITK, LPS)", list(info.origin)),
            ("direction (SimpleITK, LPS, rows)", info.direction.map { list($0) }.joined(separator: "; ")),
            ("orientation", info.orientation)
        ]
        if let dataFile = info.dataFile { rows.insert(("data file", dataFile), at: 1) }
        if let kinds = info.kinds { rows.append(("kinds", kinds.joined(separator: " "))) }
        rows += info.keyValues.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var lines = ["# \(info.file)", "", "| field | value |", "| --- | --- |"]
        lines += rows.map { "| \($0.0) | \($0.1.replacingOccurrences(of: "|", with: "\\|")) |" }
        lines += ["", "Affine (voxel to world, RAS+ mm):", "", "| | | | |", "| ---: | ---: | ---: | ---: |"]
        lines += info.affine.map { "| " + $0.map { number($0) }.joined(separator: " | ") + " |" }
        let s = info.intensity
        lines += [
            "", "Intensity:", "", "| voxels | NaN | min | max | mean | sum |", "| ---: | ---: | ---: | ---: | ---: | ---: |",
            "| \(s.count) | \(s.nanCount) | " + [s.min, s.max, s.mean, s.sum].map { number($0, digits: 12) }.joined(separator: " | ") + " |"
        ]
        return lines.joined(separator: "\n")
    }

    static func markdown(_ manifest: ImageManifest) -> String {
        let patients = Set(manifest.entries.map(\.patientID)).count
        var lines = [
            "# Images in \(manifest.root)", "",
            "\(patients) patients x \(manifest.sequences.count) sequences (\(manifest.sequences.joined(separator: ", ")))", "",
            "| patient | sequence | image | shape | voxel size | orientation | mask | mask voxels |",
            "| --- | --- | --- | --- | --- | --- | --- | ---: |"
        ]
        let name = { (path: String?) in path.map { ($0 as NSString).lastPathComponent } ?? "missing" }
        for e in manifest.entries {
            let cells = [
                e.patientID, e.sequence, name(e.image), e.shape.map { $0.map(String.init).joined(separator: " x ") } ?? "",
                e.spacing.map { list($0, " x ") } ?? "", e.orientation ?? "", e.image == nil ? "" : name(e.mask),
                e.maskVoxels.map(String.init) ?? ""
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        if manifest.isValid {
            lines.append("OK: every image and mask is present, readable and on its grid.")
        } else {
            lines.append("\(manifest.problems.count) problem\(manifest.problems.count == 1 ? "" : "s"):")
            lines += manifest.problems.map { "- \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

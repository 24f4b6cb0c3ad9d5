import Foundation

/// Where a study's stages run: in this process (`local`), or each as a job of a Slurm cluster
/// (`slurm`, docs/CLUSTER.md).
public enum StudyExecutor: String, CaseIterable, Sendable, Codable, ConfigEnum { case local, slurm }

/// How a study's stages are submitted to Slurm: the config's `slurm` section, each key
/// overridable on the command line. Every stage is one `sbatch` job (a radiomics extraction is
/// a job array sharded by patient plus the job that merges it), with the resources below.
public struct SlurmSettings: Equatable, Sendable {
    /// `--partition` (nil: the cluster's default partition).
    public var partition: String?
    /// `--account` (nil: the user's default account).
    public var account: String?
    /// `--time` of every job but the CNNs' (nil: the partition's default).
    public var time: String?
    /// CPUs (`--cpus-per-task`) and memory (`--mem`, as Slurm writes it: 4G, 500M) of every job
    /// but the CNNs'.
    public var cpus = 1
    public var memory: String?
    /// The CNN stages' CPUs, memory and time limit. A training's network runs on the job's CPUs
    /// (its result does not depend on how many).
    public var cnnCPUs = 1
    public var cnnMemory: String?
    public var cnnTime: String?
    /// Shards of each radiomics extraction (array tasks); at most one per patient.
    public var radiomicsShards = 4
    /// More `sbatch` options, each as on its command line ("--qos=long", "--constraint=avx512").
    public var sbatchOptions: [String] = []
    /// Job scripts, logs, job records and radiomics shards (default: <output>/.sinorad/slurm).
    /// Must be on a file system the compute nodes share, as must the output folder.
    public var scratch: String?
    /// The sinorad executable the jobs run (default: the one submitting; it must be visible
    /// from the compute nodes).
    public var sinorad: String?
    /// Before submitting, run one small job that checks the compute nodes see the output and
    /// scratch folders.
    public var checkShared = true
    /// Seconds between two looks at the queue while waiting for the study.
    public var pollSeconds = 5.0

    public init() {}

    /// A Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, or UNLIMITED.
    public static func timeProblem(_ text: String) -> String? {
        let forms = [#"^\d+$"#, #"^\d+:\d{1,2}$"#, #"^\d+:\d{1,2}:\d{1,2}$"#, #"^\d+-\d+$"#, #"^\d+-\d+:\d{1,2}$"#, #"^\d+-\d+:\d{1,2}:\d{1,2}$"#]
        if text == "UNLIMITED" || text == "INFINITE" || forms.contains(where: { text.range(of: $0, options: .regularExpression) != nil }) { return nil }
        return "'\(text)' is not a Slurm time (minutes, HH:MM:SS, D-HH:MM:SS ...)"
    }

    /// A Slurm memory size: a whole number with an optional unit K, M, G or T.
    public static func memoryProblem(_ text: String) -> String? {
        text.range(of: #"^[1-9][0-9]*[KMGT]?$"#, options: .regularExpression) != nil ? nil : "'\(text)' is not a Slurm memory size (4G, 500M, 16000)"
    }
}

extension SlurmSettings: Decodable, ConfigValue {
    public static var expectation: String { "expected an object" }
    enum Key: String, CodingKey, CaseIterable {
        case partition, account, time, cpus, memory, cnnCPUs = "cnn_cpus", cnnMemory = "cnn_memory", cnnTime = "cnn_time"
        case radiomicsShards = "radiomics_shards", sbatchOptions = "sbatch_options", scratch, sinorad, checkShared = "check_shared"
        case pollSeconds = "poll_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let o = try ConfigObject<Key>(decoder)
        self.init()
        let name: (String) -> String? = { $0.isEmpty || $0.contains(where: \.isWhitespace) ? "expected a name without spaces" : nil }
        partition = o.optional(.partition, check: name)
        account = o.optional(.account, check: name)
        time = o.optional(.time, check: Self.timeProblem)
        cnnTime = o.optional(.cnnTime, check: Self.timeProblem)
        memory = o.optional(.memory, check: Self.memoryProblem)
        cnnMemory = o.optional(.cnnMemory, check: Self.memoryProblem)
        cpus = o.value(.cpus, cpus, check: within(1...1024))
        cnnCPUs = o.value(.cnnCPUs, cnnCPUs, check: within(1...1024))
        radiomicsShards = o.value(.radiomicsShards, radiomicsShards, check: within(1...10_000))
        sbatchOptions = o.value(.sbatchOptions, sbatchOptions) { (list: [String]) in
            list.first { !$0.hasPrefix("-") }.map { "'\($0)' is not an sbatch option (expected --name=value)" }
        }
        scratch = o.optional(.scratch) { (path: String) in path.isEmpty ? "expected a folder" : nil }
        sinorad = o.optional(.sinorad) { (path: String) in path.isEmpty ? "expected the path of the sinorad executable" : nil }
        checkShared = o.value(.checkShared, checkShared)
        pollSeconds = o.value(.pollSeconds, pollSeconds, check: strictlyWithin(0, 3600))
    }
}

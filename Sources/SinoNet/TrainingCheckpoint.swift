import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a training checkpoint says about its run (the `__metadata__` key "training", JSON).
public struct TrainingCheckpointInfo: Sendable, Equatable, Codable {
    public struct Parameter: Sendable, Equatable, Codable {
        public var name: String
        public var step: Int
        public var slots: [String]
    }

    /// "sinonet-training-checkpoint".
    public var format: String
    public var version: Int
    /// Steps completed.
    public var step: Int
    public var epoch: Int
    /// The run's seed, as a decimal string (a UInt64 does not survive a JSON double).
    public var seed: String
    /// "SGD" or "AdamW".
    public var optimizer: String
    /// The optimiser's current rate, as Swift's shortest round-trip decimal.
    public var learningRate: String
    /// The trainable parameters in optimiser order, with their step counts and state slots
    /// (tensors `optimizer.<name>.<slot>`).
    public var parameters: [Parameter]
}

/// # Checkpoints
///
/// `checkpoint()` is one safetensors file: the model's state_dict under torchvision's names
/// (parameters, running statistics, `num_batches_tracked`), the optimiser's state tensors as
/// F32 `optimizer.<parameter>.<slot>` (`momentum_buffer`, `exp_avg`, ...), and the metadata key
/// "training" holding `TrainingCheckpointInfo` as JSON (step, epoch, seed, optimiser, learning
/// rate, per-parameter step counts and slot names). `restore(from:)` checks all of it and
/// changes nothing if anything does not fit; `Trainer.write(_:to:)` replaces a file
/// atomically (temporary file in the same directory, fsync, rename).
extension Trainer {
    /// The checkpoint file; `metadata` adds the caller's keys beside "training" (which it may
    /// not replace).
    public func checkpoint(metadata: [String: String] = [:]) -> Data {
        precondition(metadata["training"] == nil, "the checkpoint's \"training\" metadata is its own")
        var writer = model.stateDict()
        writer.metadata.merge(metadata) { _, new in new }
        let state = optimizer.state()
        var parameters: [TrainingCheckpointInfo.Parameter] = []
        for parameter in state.parameters {
            for slot in parameter.slots {
                writer.add(
                    Self.optimizerPrefix + parameter.name + "." + slot.name,
                    Tensor(Shape(slot.shape), values: slot.values))
            }
            parameters.append(.init(name: parameter.name, step: parameter.step, slots: parameter.slots.map(\.name)))
        }
        let info = TrainingCheckpointInfo(
            format: Self.checkpointFormat, version: Self.checkpointVersion, step: step,
            epoch: epoch, seed: String(seed), optimizer: state.optimizer,
            learningRate: String(state.learningRate), parameters: parameters)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        writer.metadata["training"] = String(decoding: try! encoder.encode(info), as: UTF8.self)
        return writer.data()
    }

    /// The run description of a checkpoint (to build a `Trainer` with its seed before restoring).
    public static func checkpointInfo(from data: Data, source: String = "<memory>") throws -> TrainingCheckpointInfo {
        try checkpointInfo(SafeTensors(data: data, source: source))
    }

    static func checkpointInfo(_ file: SafeTensors) throws -> TrainingCheckpointInfo {
        guard let text = file.metadata["training"] else {
            throw CheckpointError(source: file.source, "no \"training\" metadata: not a SinoNet training checkpoint")
        }
        let info: TrainingCheckpointInfo
        do {
            info = try JSONDecoder().decode(TrainingCheckpointInfo.self, from: Data(text.utf8))
        } catch {
            throw CheckpointError(source: file.source, "unreadable \"training\" metadata: \(error)")
        }
        guard info.format == checkpointFormat, info.version == checkpointVersion else {
            throw CheckpointError(
                source: file.source,
                "format \(info.format) version \(info.version), expected "
                    + "\(checkpointFormat) version \(checkpointVersion)")
        }
        guard info.step >= 0, info.epoch >= 0, UInt64(info.seed) != nil, Double(info.learningRate) != nil else {
            throw CheckpointError(
                source: file.source,
                "bad step \(info.step), epoch \(info.epoch), seed \(info.seed) "
                    + "or learning rate \(info.learningRate)")
        }
        return info
    }

    /// Restores model weights, running statistics, optimiser state, step and epoch from a
    /// `checkpoint()`. Everything is validated first (format, seed equal to this trainer's,
    /// every model key and shape, optimiser kind, trainable names, slots and shapes, no
    /// extra tensors); on any mismatch it throws and nothing is changed.
    public func restore(from data: Data, source: String = "<memory>") throws {
        let file = try SafeTensors(data: data, source: source)
        let info = try Self.checkpointInfo(file)
        guard info.seed == String(seed) else {
            throw CheckpointError(source: source, "seed \(info.seed), this trainer's seed is \(seed)")
        }
        var referenced = Set<String>()
        var parameters: [OptimizerState.Parameter] = []
        for parameter in info.parameters {
            var slots: [OptimizerState.Slot] = []
            for slot in parameter.slots {
                let key = Self.optimizerPrefix + parameter.name + "." + slot
                let tensor = try file.floatTensor(key)
                referenced.insert(key)
                slots.append(.init(name: slot, shape: tensor.shape.dimensions, values: tensor.values))
            }
            parameters.append(.init(name: parameter.name, step: parameter.step, slots: slots))
        }
        let stray = file.names.filter { $0.hasPrefix(Self.optimizerPrefix) && !referenced.contains($0) }
        guard stray.isEmpty else {
            throw CheckpointError(source: source, "optimizer tensors \(stray) are not in the metadata")
        }
        let state = OptimizerState(
            optimizer: info.optimizer, learningRate: Double(info.learningRate)!,
            parameters: parameters)

        var modelPart = SafeTensors.Writer()
        for entry in file.entries where !entry.name.hasPrefix(Self.optimizerPrefix) {
            switch entry.dtype {
            case .f32: modelPart.add(entry.name, try file.floatTensor(entry.name))
            case .i64: modelPart.addInt64(entry.name, try file.int64Values(entry.name), shape: entry.shape)
            }
        }
        let weights = try SafeTensors(data: modelPart.data(), source: source)

        // loadStateDict and optimizer.restore each validate before writing; keep copies so a
        // refusal by the second undoes the first.
        let savedParameters = Tensor(Shape(model.parameters.storage.count))
        let savedBuffers = Tensor(Shape(model.buffers.storage.count))
        savedParameters.data.update(from: model.parameters.storage.base, count: savedParameters.count)
        savedBuffers.data.update(from: model.buffers.storage.base, count: savedBuffers.count)
        try model.loadStateDict(weights)
        do {
            try optimizer.restore(state)
        } catch {
            model.parameters.storage.base.update(from: savedParameters.data, count: savedParameters.count)
            model.buffers.storage.base.update(from: savedBuffers.data, count: savedBuffers.count)
            throw error
        }
        setProgress(step: info.step, epoch: info.epoch)
    }

    /// Writes `data` to `url` atomically: a temporary file beside it, flushed to disk, then
    /// renamed over `url`, so a crash leaves either the old file or the new one.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        // The name carries SinoData's AtomicFile.partialMarker, so a study run sweeps what a kill
        // here leaves behind.
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).sinorad-partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [
                    NSFilePathErrorKey: url.path,
                    NSLocalizedDescriptionKey: "rename failed: \(String(cString: strerror(code)))"
                ])
        }
    }
}

import Foundation

/// Which training pass a batch belongs to: the augmentation of each sample is drawn from
/// (seed, epoch, patient id, slice, channels), so it differs between epochs and samples and is
/// the same for a given sample whatever the thread count or processing order.
public struct AugmentPass: Sendable, Equatable {
    public var seed: UInt64
    public var epoch: Int

    public init(seed: UInt64, epoch: Int) {
        self.seed = seed; self.epoch = epoch
    }

    /// The seed of one sample's augmentation.
    public func sampleSeed(patientID: String, slice: Int, channels: [String]) -> UInt64 {
        var h = PhantomSeeds.mix(seed ^ PhantomSeeds.mix(UInt64(bitPattern: Int64(epoch))))
        h = PhantomSeeds.mix(h ^ PhantomSeeds.hash(patientID))
        h = PhantomSeeds.mix(h ^ UInt64(bitPattern: Int64(slice)))
        return PhantomSeeds.mix(h ^ PhantomSeeds.hash(channels.joined(separator: "+")))
    }
}

/// Flips, rotation and intensity jitter of CHW planes (and their HW mask).
public enum Augmenter {
    /// Draws one sample's augmentation: h-flip, v-flip, angle, then (scale, shift) per channel,
    /// always in this order.
    public static func draw(_ settings: AugmentSettings, seed: UInt64, slice: Int, channels: [String]) -> AugmentRecord {
        var random = PhantomRandom(seed: seed)
        let horizontal = random.generator.uniform() < settings.horizontalFlip
        let vertical = random.generator.uniform() < settings.verticalFlip
        let angle = random.uniform(-settings.maxRotation, settings.maxRotation)
        var scale: [Double] = [], shift: [Double] = []
        for _ in channels {
            scale.append(random.uniform(1 - settings.scaleJitter, 1 + settings.scaleJitter))
            shift.append(random.uniform(-settings.shiftJitter, settings.shiftJitter))
        }
        return AugmentRecord(
            slice: slice, channels: channels, seed: seed, horizontalFlip: horizontal,
            verticalFlip: vertical, rotationDegrees: angle, scale: scale, shift: shift)
    }

    /// Applies `record` to a sample in place: flips, then the rotation (bilinear for the image
    /// planes with `fill` outside, nearest for the mask with 0 outside), then v * scale + shift per channel.
    public static func apply(_ record: AugmentRecord, to sample: inout SliceSample, fill: Float) {
        let h = sample.height, w = sample.width, plane = h * w
        for c in 0..<sample.channels.count {
            var channel = Array(sample.planes[(c * plane)..<((c + 1) * plane)])
            channel = flip(channel, height: h, width: w, horizontal: record.horizontalFlip, vertical: record.verticalFlip)
            channel = rotate(channel, height: h, width: w, degrees: record.rotationDegrees, fill: fill, nearest: false)
            let scale = Float(record.scale[c]), shift = Float(record.shift[c])
            for n in 0..<plane { sample.planes[c * plane + n] = channel[n] * scale + shift }
        }
        let mask = flip(sample.mask, height: h, width: w, horizontal: record.horizontalFlip, vertical: record.verticalFlip)
        sample.mask = rotate(mask, height: h, width: w, degrees: record.rotationDegrees, fill: 0, nearest: true)
    }

    /// Mirrors a row-major plane left-right and/or top-bottom.
    public static func flip(_ plane: [Float], height: Int, width: Int, horizontal: Bool, vertical: Bool) -> [Float] {
        guard horizontal || vertical else { return plane }
        var out = plane
        for y in 0..<height {
            let source = vertical ? height - 1 - y : y
            for x in 0..<width { out[y * width + x] = plane[source * width + (horizontal ? width - 1 - x : x)] }
        }
        return out
    }

    /// Rotates a row-major plane by `degrees` about its centre ((width - 1) / 2, (height - 1) / 2):
    /// output pixel (x, y) takes the input at R(-angle) applied to its offset from the centre
    /// (with rows pointing down, positive angles turn the content clockwise on screen).
    /// Bilinear with neighbours outside the plane taken as `fill`, or nearest (ties rounded
    /// away from zero). An angle of 0 returns the plane unchanged.
    public static func rotate(_ plane: [Float], height: Int, width: Int, degrees: Double, fill: Float, nearest: Bool) -> [Float] {
        guard degrees != 0 else { return plane }
        let radians = degrees * Double.pi / 180
        let c = cos(radians), s = sin(radians)
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
        var out = [Float](repeating: fill, count: plane.count)
        plane.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                func at(_ x: Int, _ y: Int) -> Float {
                    x >= 0 && x < width && y >= 0 && y < height ? p[y * width + x] : fill
                }
                for y in 0..<height {
                    let dy = Double(y) - cy
                    for x in 0..<width {
                        let dx = Double(x) - cx
                        let sx = c * dx + s * dy + cx, sy = -s * dx + c * dy + cy
                        if nearest {
                            o[y * width + x] = at(Int(sx.rounded()), Int(sy.rounded()))
                            continue
                        }
                        let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                        guard x0 >= -1, x0 < width, y0 >= -1, y0 < height else { continue }
                        let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                        let v00: Float, v01: Float, v10: Float, v11: Float
                        if x0 >= 0, y0 >= 0, x0 < width - 1, y0 < height - 1 {
                            let n = y0 * width + x0 // all four neighbours inside: no checks
                            v00 = p[n]; v01 = p[n + 1]; v10 = p[n + width]; v11 = p[n + width + 1]
                        } else {
                            v00 = at(x0, y0); v01 = at(x0 + 1, y0); v10 = at(x0, y0 + 1); v11 = at(x0 + 1, y0 + 1)
                        }
                        let top = (1 - fx) * v00 + fx * v01, bottom = (1 - fx) * v10 + fx * v11
                        o[y * width + x] = (1 - fy) * top + fy * bottom
                    }
                }
            }
        }
        return out
    }
}

import CBLAS
import CSinoKernels

/// Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016) for 3 x 3, stride-1, padding-1, undilated
/// convolutions: each 2 x 2 output tile is A^T [(G g G^T) . (B^T d B)] A for the 4 x 4 input
/// tile d around it, so a convolution becomes 16 GEMMs U[xi] (O x C) * V[xi] (C x T) over the
/// tiles T, with 16 multiplications per tile and channel pair where the direct form needs 36.
///
///     B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
///     G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
///     A^T = [1 1 1 0; 0 1 -1 -1]
///
/// The transforms use only additions and halvings, so the float32 error is a few units in the
/// last place of the sums (tests: within 1e-5 of the im2col path, relative to the output's
/// largest magnitude). Tiles are processed in chunks whose size depends only on the layer's
/// channels, and every output element comes from one GEMM of the same shape whatever the thread
/// count, so the bits do not depend on it.
struct Winograd {
    /// Input channels C, output channels O (of the convolution computed: for the input
    /// gradient these are the forward convolution's O and C swapped).
    let inChannels: Int
    let outChannels: Int

    /// Tiles per chunk: about 2^15 / (C + O), a multiple of 16, between 64 and 512 (a chunk's
    /// transformed inputs and products are 16 (C + O) Tc floats, 2-4 MiB).
    var tilesPerChunk: Int { min(1024, max(64, ((1 << 16) / (inChannels + outChannels)) / 16 * 16)) }

    /// Tiles per chunk for a convolution over `total` tiles: the chunks (at most
    /// `tilesPerChunk` tiles each) made equal in size and, where there are several, even in
    /// number, so two threads get the same work (ResNet's 56 x 56 layers at batch 1: 784 tiles,
    /// two chunks of 392 rather than 512 and 272). It depends only on the shape.
    func chunkTiles(total: Int) -> Int {
        var chunks = (total + tilesPerChunk - 1) / tilesPerChunk
        if chunks > 1 { chunks += chunks % 2 }
        return max(1, (total + chunks - 1) / chunks)
    }

    /// Floats of the transformed filters U: 16 x O x C.
    var filterCount: Int { 16 * outChannels * inChannels }

    /// Floats of one chunk's transformed inputs (16 x C x Tc) and products (16 x O x Tc).
    var chunkCount: Int { 16 * (inChannels + outChannels) * tilesPerChunk }

    /// Scratch for `convolve` on `threads` threads over `tiles` tiles: U, then one chunk per
    /// thread that gets a chunk.
    func workspaceCount(tiles: Int, threads: Int) -> Int {
        let chunks = (tiles + tilesPerChunk - 1) / tilesPerChunk
        return filterCount + max(1, min(threads, chunks)) * chunkCount
    }

    /// Tiles of an h x w image: ceil(h / 2) x ceil(w / 2).
    static func tiles(_ h: Int, _ w: Int) -> (rows: Int, columns: Int) { ((h + 1) / 2, (w + 1) / 2) }

    /// U[xi][o][c] = (G g G^T)[xi] for the 3 x 3 filter g of (o, c). `weight` is OIHW
    /// [O, C, 3, 3]; with `flipped`, it is the forward convolution's [C, O, 3, 3] weight and g
    /// is its (c, o) filter rotated by 180 degrees (the input gradient's convolution).
    func transformFilters(_ weight: UnsafePointer<Float>, flipped: Bool, into u: UnsafeMutablePointer<Float>, workers: Workers) {
        let o = outChannels, c = inChannels, plane = o * c
        workers.ranges(o, itemCost: 64 * c) { range in
            for oi in range {
                for ci in 0..<c {
                    let src = flipped ? weight + (ci * o + oi) * 9 : weight + (oi * c + ci) * 9
                    // Rows of g (the filter rotated by 180 degrees: rows and columns reversed).
                    let rows: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
                    if flipped {
                        rows = (SIMD4(src[8], src[7], src[6], 0), SIMD4(src[5], src[4], src[3], 0), SIMD4(src[2], src[1], src[0], 0))
                    } else {
                        rows = (SIMD4(src[0], src[1], src[2], 0), SIMD4(src[3], src[4], src[5], 0), SIMD4(src[6], src[7], src[8], 0))
                    }
                    // G g (4 x 3, each row a vector), then each row times G^T.
                    let (g0, g1, g2) = rows
                    let t = (g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2)
                    let at = oi * c + ci
                    func store(_ r: Int, _ row: SIMD4<Float>) {
                        u[(4 * r) * plane + at] = row[0]
                        u[(4 * r + 1) * plane + at] = 0.5 * (row[0] + row[1] + row[2])
                        u[(4 * r + 2) * plane + at] = 0.5 * (row[0] - row[1] + row[2])
                        u[(4 * r + 3) * plane + at] = row[2]
                    }
                    store(0, t.0)
                    store(1, t.1)
                    store(2, t.2)
                    store(3, t.3)
                }
            }
        }
    }

    /// y [N, O, H, W] (=, or += with `accumulate`) the convolution of x [N, C, H, W] with the
    /// transformed filters `u` (from `transformFilters`), plus `bias` [O] when given.
    /// `scratch` holds `workspaceCount(tiles:threads:) - filterCount` floats.
    func convolve(
        _ x: UnsafePointer<Float>, images n: Int, height h: Int, width w: Int, filters u: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>, accumulate: Bool,
        scratch: UnsafeMutablePointer<Float>, workers: Workers
    ) {
        let (th, tw) = Self.tiles(h, w)
        let perImage = th * tw, total = n * perImage, tc = chunkTiles(total: total)
        let chunks = (total + tc - 1) / tc
        let geometry = Geometry(h: h, w: w, th: th, tw: tw, perImage: perImage)
        if chunks >= workers.count {
            // Each thread runs whole chunks: transform, 16 GEMMs, inverse transform.
            workers.run(chunks) { chunk, slot in
                let start = chunk * tc, count = min(tc, total - start)
                let v = scratch + slot * chunkCount, m = v + 16 * inChannels * tc
                transformInputs(x, geometry, start, count, channels: 0..<inChannels, into: v, stride: tc)
                for xi in 0..<16 { product(xi, u, v, m, count, stride: tc) }
                transformOutputs(m, geometry, start, count, stride: tc, channels: 0..<outChannels, bias: bias, into: y, accumulate: accumulate)
            }
            return
        }
        // Fewer chunks than threads (one image, small maps): each step split across threads.
        let v = scratch, m = v + 16 * inChannels * tc
        for chunk in 0..<chunks {
            let start = chunk * tc, count = min(tc, total - start)
            workers.ranges(inChannels, itemCost: 64 * count, grain: 1 << 14) { channels in
                transformInputs(x, geometry, start, count, channels: channels, into: v, stride: tc)
            }
            workers.run(16) { xi, _ in product(xi, u, v, m, count, stride: tc) }
            workers.ranges(outChannels, itemCost: 64 * count, grain: 1 << 14) { channels in
                transformOutputs(m, geometry, start, count, stride: tc, channels: channels, bias: bias, into: y, accumulate: accumulate)
            }
        }
    }

    /// The first `lanes` (at most 8) values of `value` at `to`.
    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ to: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 8 {
            UnsafeMutableRawPointer(to).storeBytes(of: value, as: SIMD8<Float>.self)
        } else {
            for l in 0..<lanes { to[l] = value[l] }
        }
    }

    struct Geometry {
        let h: Int, w: Int, th: Int, tw: Int, perImage: Int
    }

    /// M[xi] (O x count) = U[xi] (O x C) * V[xi] (C x count); rows of V and M are Tc apart.
    private func product(
        _ xi: Int, _ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ count: Int, stride tc: Int
    ) {
        sgemm(
            CblasNoTrans, CblasNoTrans, outChannels, count, inChannels, 1, u + xi * outChannels * inChannels, inChannels,
            v + xi * inChannels * tc, tc, 0, m + xi * outChannels * tc, tc)
    }

    /// V[xi][c][t - start] = (B^T d B)[xi] for the tiles start ..< start + count and `channels`
    /// (rows of V `tc` apart). In C (`sino_winograd_inputs`), eight tiles per vector: a tile
    /// row's four image rows are copied into zero-padded rows, where one 16-float load gives
    /// two columns of eight tiles (its even and odd lanes).
    private func transformInputs(
        _ x: UnsafePointer<Float>, _ g: Geometry, _ start: Int, _ count: Int, channels: Range<Int>,
        into v: UnsafeMutablePointer<Float>, stride tc: Int
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * (2 * g.tw + 18)) { rows in
            sino_winograd_inputs(x, inChannels, channels.lowerBound, channels.upperBound, start, count, g.h, g.w, tc, v, rows.baseAddress!, 256)
        }
    }

    /// y (=, or +=) A^T M A (+ bias) for the tiles start ..< start + count and output `channels`
    /// (rows of M `tc` apart); the parts of a tile beyond the image's edge are dropped. In C
    /// (`sino_winograd_outputs`), eight tiles per vector: Swift's SIMD types run at the
    /// x86-64 baseline's width here and spill.
    private func transformOutputs(
        _ m: UnsafePointer<Float>, _ g: Geometry, _ start: Int, _ count: Int, stride tc: Int, channels: Range<Int>,
        bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        sino_winograd_outputs(
            m, tc, outChannels, channels.lowerBound, channels.upperBound, start, count, g.h, g.w, bias, y, accumulate ? 1 : 0, 256)
    }

    // MARK: weight gradient

    /// Floats of scratch `weightGradient` needs for `tiles` tiles: every tile's transformed
    /// input (16 x C x T) and output gradient (16 x O x T), and the 16 x O x C products.
    func weightGradientCount(tiles: Int) -> Int { 16 * (inChannels + outChannels) * tiles + filterCount }

    /// dw [O, C, 3, 3] += the weight gradient of this convolution of x [N, C, H, W] given dy
    /// [N, O, H, W]: with M = sum over c of U . V (U = G g G^T, V = B^T d B) and y = A^T M A per
    /// tile, dL/dM = A dY A^T and dL/dU[xi] = sum over tiles of dL/dM[xi] V[xi], 16 GEMMs
    /// (O x T) * (T x C) over all tiles at once; then dL/dg = G^T (dL/dU) G. Each sum over the
    /// tiles is one GEMM of the layer's shape, so the bits do not depend on the thread count.
    func weightGradient(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, images n: Int, height h: Int, width w: Int,
        into dw: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, workers: Workers
    ) {
        let (th, tw) = Self.tiles(h, w)
        let total = n * th * tw
        let geometry = Geometry(h: h, w: w, th: th, tw: tw, perImage: th * tw)
        let v = scratch, dm = v + 16 * inChannels * total, du = dm + 16 * outChannels * total
        workers.ranges(inChannels, itemCost: 64 * total) { channels in
            transformInputs(x, geometry, 0, total, channels: channels, into: v, stride: total)
        }
        workers.ranges(outChannels, itemCost: 64 * total) { channels in
            transformOutputGradients(dy, geometry, total, channels: channels, into: dm)
        }
        let (o, c) = (outChannels, inChannels)
        workers.run(16) { xi, _ in
            sgemm(CblasNoTrans, CblasTrans, o, c, total, 1, dm + xi * o * total, total, v + xi * c * total, total, 0, du + xi * o * c, c)
        }
        let plane = o * c
        workers.ranges(o, itemCost: 64 * c) { range in
            for oi in range {
                for ci in 0..<c {
                    let at = oi * c + ci
                    @inline(__always) func row(_ r: Int) -> SIMD4<Float> {
                        SIMD4(du[(4 * r) * plane + at], du[(4 * r + 1) * plane + at], du[(4 * r + 2) * plane + at], du[(4 * r + 3) * plane + at])
                    }
                    let x0 = row(0), x1 = row(1), x2 = row(2), x3 = row(3)
                    // G^T X (3 x 4), then each row times G (4 x 3).
                    let t = (x0 + 0.5 * x1 + 0.5 * x2, 0.5 * x1 - 0.5 * x2, 0.5 * x1 + 0.5 * x2 + x3)
                    let dst = dw + at * 9
                    @inline(__always) func add(_ r: Int, _ q: SIMD4<Float>) {
                        dst[3 * r] += q[0] + 0.5 * q[1] + 0.5 * q[2]
                        dst[3 * r + 1] += 0.5 * q[1] - 0.5 * q[2]
                        dst[3 * r + 2] += 0.5 * q[1] + 0.5 * q[2] + q[3]
                    }
                    add(0, t.0)
                    add(1, t.1)
                    add(2, t.2)
                }
            }
        }
    }

    /// dM[xi][o][t] = (A dY A^T)[xi] for every tile t and output `channels`, dY the tile's 2 x 2
    /// output gradient (0 beyond the image's edge). A row (p, q) of A dY becomes (p, p + q,
    /// p - q, -q); A dY has rows (a, b), (a + c, b + d), (a - c, b - d), (-c, -d). A row of
    /// tiles at a time, eight tiles per vector: the two gradient rows are copied into rows
    /// padded with zeros, where tile k's columns are 2k and 2k + 1 (the even and odd lanes of
    /// one 16-float load).
    private func transformOutputGradients(
        _ dy: UnsafePointer<Float>, _ g: Geometry, _ total: Int, channels: Range<Int>, into dm: UnsafeMutablePointer<Float>
    ) {
        let plane = outChannels * total
        let padded = 2 * g.tw + 16
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * padded) { buffer in
            let rows = buffer.baseAddress!
            rows.initialize(repeating: 0, count: 2 * padded)
            let raw = UnsafeRawPointer(rows)
            for o in channels {
                for t0 in Swift.stride(from: 0, to: total, by: g.tw) {
                    let image = t0 / g.perImage, ty = (t0 - image * g.perImage) / g.tw
                    let src = dy + (image * outChannels + o) * g.h * g.w
                    rows.update(from: src + 2 * ty * g.w, count: g.w)
                    if 2 * ty + 1 < g.h {
                        (rows + padded).update(from: src + (2 * ty + 1) * g.w, count: g.w)
                    } else {
                        (rows + padded).update(repeating: 0, count: g.w)
                    }
                    var k = 0
                    while k < g.tw {
                        let top = raw.loadUnaligned(fromByteOffset: 2 * k * 4, as: SIMD16<Float>.self)
                        let bottom = raw.loadUnaligned(fromByteOffset: (padded + 2 * k) * 4, as: SIMD16<Float>.self)
                        let (a, b, c, d) = (top.evenHalf, top.oddHalf, bottom.evenHalf, bottom.oddHalf)
                        let lanes = min(8, g.tw - k)
                        let dst = dm + o * total + t0 + k
                        @inline(__always) func put(_ xi: Int, _ value: SIMD8<Float>) { Self.store(value, dst + xi * plane, lanes: lanes) }
                        @inline(__always) func store(_ i: Int, _ p: SIMD8<Float>, _ q: SIMD8<Float>) {
                            put(4 * i, p)
                            put(4 * i + 1, p + q)
                            put(4 * i + 2, p - q)
                            put(4 * i + 3, -q)
                        }
                        store(0, a, b)
                        store(1, a + c, b + d)
                        store(2, a - c, b - d)
                        store(3, -c, -d)
                        k += 8
                    }
                }
            }
        }
    }
}

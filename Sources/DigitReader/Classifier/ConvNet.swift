import Foundation

/// The second reader's network: a small convolutional classifier over a 28x28 box crop
/// (`BoxCrop.normalized()`), classes `0`–`9`, `X`, `-`. Trained by
/// `scripts/train/train_classifier.py`; inference is plain Swift.
///
/// Layout (NHWC, as the trainer): conv 5x5 1→20, ReLU, max-pool 2 → conv 5x5 20→40, ReLU,
/// max-pool 2 → dense 640→128, ReLU → dense 128→12, softmax with a fitted temperature.
public struct ConvNet: Sendable {
    public static let classes: [BoxSymbol] = (0...9).map { .digit($0) } + [.cross, .dash]

    let c1w: [Float], c1b: [Float], c2w: [Float], c2b: [Float]
    let f1w: [Float], f1b: [Float], f2w: [Float], f2b: [Float]
    /// Softmax temperature fitted on held-out data so that scores behave as probabilities.
    public let temperature: Float

    /// Reads the weights file written by the trainer (little-endian float32 tensors).
    public init(contentsOf path: String) throws(DigitReaderError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .modelUnreadable(path: path, reason: "missing or unreadable file")
        }
        var reader = ByteReader(data: data, path: path)
        guard try reader.bytes(8) == Array("SC1CNN01".utf8) else {
            throw .modelUnreadable(path: path, reason: "not a scan-c1 classifier file (bad magic)")
        }
        temperature = try reader.float()
        let count = try reader.uint32()
        var tensors: [String: (shape: [Int], values: [Float])] = [:]
        for _ in 0..<count {
            let nameLength = Int(try reader.uint32())
            let name = String(decoding: try reader.bytes(nameLength), as: UTF8.self)
            let ndim = Int(try reader.uint32())
            var shape: [Int] = []
            for _ in 0..<ndim { shape.append(Int(try reader.uint32())) }
            let n = shape.reduce(1, *)
            tensors[name] = (shape, try reader.floats(n))
        }
        func tensor(_ name: String, _ shape: [Int]) throws(DigitReaderError) -> [Float] {
            guard let t = tensors[name] else { throw .modelUnreadable(path: path, reason: "tensor \(name) missing") }
            guard t.shape == shape else { throw .modelUnreadable(path: path, reason: "tensor \(name) has shape \(t.shape), expected \(shape)") }
            return t.values
        }
        c1w = try tensor("c1w", [25, 20]); c1b = try tensor("c1b", [20])
        c2w = try tensor("c2w", [500, 40]); c2b = try tensor("c2b", [40])
        f1w = try tensor("f1w", [640, 128]); f1b = try tensor("f1b", [128])
        f2w = try tensor("f2w", [128, 12]); f2b = try tensor("f2b", [12])
    }

    /// Class probabilities for a 28x28 image (255 paper, 0 ink).
    public func probabilities(_ image: GrayImage) -> [Double] {
        precondition(image.width == 28 && image.height == 28)
        var input = [Float](repeating: 0, count: 784)
        for i in 0..<784 { input[i] = Float(255 - Int(image.pixels[i])) / 255 }
        let a1 = Self.convReluPool(input, size: 28, channels: 1, weights: c1w, bias: c1b, filters: 20)
        let a2 = Self.convReluPool(a1, size: 12, channels: 20, weights: c2w, bias: c2b, filters: 40)
        var h = f1b
        a2.withUnsafeBufferPointer { x in f1w.withUnsafeBufferPointer { w in
            for i in 0..<640 where x[i] != 0 {
                let xi = x[i], row = i * 128
                for j in 0..<128 { h[j] += xi * w[row + j] }
            }
        } }
        for j in 0..<128 { h[j] = max(0, h[j]) }
        var z = f2b
        for i in 0..<128 where h[i] != 0 { for j in 0..<12 { z[j] += h[i] * f2w[i * 12 + j] } }
        let m = z.max() ?? 0
        let e = z.map { Double(exp(($0 - m) / temperature)) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Valid 5x5 convolution, ReLU, then 2x2 max-pool; NHWC in and out. The filters are
    /// computed five vectors at a time (20 = 5 x 4 lanes, 40 = 5 x 8): the five accumulators
    /// stay in registers while the 25 x `channels` inputs of an output position are added, in
    /// the order of a plain loop, so the results are those of one (about 2x faster).
    static func convReluPool(_ x: [Float], size: Int, channels c: Int, weights: [Float], bias: [Float], filters f: Int) -> [Float] {
        switch f {
        case 20: return reluPool(conv(x, size: size, channels: c, weights: weights, bias: bias, lanes: SIMD4<Float>.self), size: size - 4, filters: f)
        case 40: return reluPool(conv(x, size: size, channels: c, weights: weights, bias: bias, lanes: SIMD8<Float>.self), size: size - 4, filters: f)
        default: preconditionFailure("ConvNet layers have 20 or 40 filters (checked when the weights load)")
        }
    }

    /// Valid 5x5 convolution with 5 x `V.scalarCount` filters.
    static func conv<V: SIMD>(_ x: [Float], size: Int, channels c: Int, weights: [Float], bias: [Float], lanes: V.Type) -> [Float] where V.Scalar == Float {
        let n = V.scalarCount, f = 5 * n, o = size - 4
        precondition(x.count >= size * size * c && weights.count == 25 * c * f && bias.count == f)
        var b = [V](repeating: V(), count: 5)
        for q in 0..<5 { for l in 0..<n { b[q][l] = bias[q * n + l] } }
        var out = [Float](repeating: 0, count: o * o * f)
        x.withUnsafeBufferPointer { xp in weights.withUnsafeBytes { wr in out.withUnsafeMutableBytes { cr in
            // Wrapping arithmetic: the offsets are in range by the precondition above.
            let stride = n &* 4
            for oy in 0..<o {
                for ox in 0..<o {
                    var a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3], a4 = b[4]
                    for ky in 0..<5 {
                        for kx in 0..<5 {
                            let inBase = ((oy &+ ky) &* size &+ (ox &+ kx)) &* c
                            let wBase = (ky &* 5 &+ kx) &* c
                            for ci in 0..<c {
                                let v = xp[inBase &+ ci]
                                if v == 0 { continue }
                                let vv = V(repeating: v)
                                let w = (wBase &+ ci) &* f &* 4
                                a0 = a0 + vv * wr.loadUnaligned(fromByteOffset: w, as: V.self)
                                a1 = a1 + vv * wr.loadUnaligned(fromByteOffset: w &+ stride, as: V.self)
                                a2 = a2 + vv * wr.loadUnaligned(fromByteOffset: w &+ 2 &* stride, as: V.self)
                                a3 = a3 + vv * wr.loadUnaligned(fromByteOffset: w &+ 3 &* stride, as: V.self)
                                a4 = a4 + vv * wr.loadUnaligned(fromByteOffset: w &+ 4 &* stride, as: V.self)
                            }
                        }
                    }
                    let at = (oy &* o &+ ox) &* f &* 4
                    cr.storeBytes(of: a0, toByteOffset: at, as: V.self)
                    cr.storeBytes(of: a1, toByteOffset: at &+ stride, as: V.self)
                    cr.storeBytes(of: a2, toByteOffset: at &+ 2 &* stride, as: V.self)
                    cr.storeBytes(of: a3, toByteOffset: at &+ 3 &* stride, as: V.self)
                    cr.storeBytes(of: a4, toByteOffset: at &+ 4 &* stride, as: V.self)
                }
            }
        } } }
        return out
    }

    /// ReLU and 2x2 max-pool over an `o` x `o` x `f` map.
    static func reluPool(_ conv: [Float], size o: Int, filters f: Int) -> [Float] {
        let p = o / 2
        var pooled = [Float](repeating: 0, count: p * p * f)
        for py in 0..<p {
            for px in 0..<p {
                for k in 0..<f {
                    var m: Float = 0  // ReLU folded in: max(0, …)
                    for dy in 0..<2 { for dx in 0..<2 { m = max(m, conv[((py * 2 + dy) * o + px * 2 + dx) * f + k]) } }
                    pooled[(py * p + px) * f + k] = m
                }
            }
        }
        return pooled
    }
}

/// Sequential little-endian reads with errors that name the file.
struct ByteReader {
    let data: Data
    let path: String
    var offset = 0

    mutating func bytes(_ n: Int) throws(DigitReaderError) -> [UInt8] {
        guard n >= 0, offset + n <= data.count else { throw .modelUnreadable(path: path, reason: "file is truncated") }
        defer { offset += n }
        return [UInt8](data[data.startIndex + offset..<data.startIndex + offset + n])
    }
    mutating func uint32() throws(DigitReaderError) -> UInt32 {
        let b = try bytes(4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }
    mutating func float() throws(DigitReaderError) -> Float { Float(bitPattern: try uint32()) }
    mutating func floats(_ n: Int) throws(DigitReaderError) -> [Float] {
        let b = try bytes(4 * n)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let j = 4 * i
            out[i] = Float(bitPattern: UInt32(b[j]) | UInt32(b[j + 1]) << 8 | UInt32(b[j + 2]) << 16 | UInt32(b[j + 3]) << 24)
        }
        return out
    }
}

/// An 8-bit grayscale image, row-major, 0 = black ink, 255 = white paper.
///
/// The one pixel type shared by FormScan (pages, warped boxes) and DigitReader (box crops).
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height, "pixel count must be width*height")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A blank image filled with `value`.
    public init(width: Int, height: Int, fill value: UInt8 = 255) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    @inlinable @inline(__always)
    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Pixel at (x, y), or `outside` when the point is off the image.
    @inlinable @inline(__always)
    public func value(x: Int, y: Int, outside: UInt8 = 255) -> UInt8 {
        (x < 0 || y < 0 || x >= width || y >= height) ? outside : pixels[y * width + x]
    }

    /// Bilinear sample at a real-valued point; `outside` off the image.
    @inlinable @inline(__always)
    public func sample(x: Double, y: Double, outside: UInt8 = 255) -> Double {
        withSampler { $0.sample(x: x, y: y, outside: outside) }
    }

    /// Lends a bilinear sampler over the pixels for the duration of `body` (hot loops: no
    /// bounds checks or copy-on-write checks per sample).
    @inlinable
    public func withSampler<R>(_ body: (Sampler) -> R) -> R {
        pixels.withUnsafeBufferPointer { body(Sampler(pixels: $0, width: width, height: height)) }
    }

    /// `sample(x:y:)` over borrowed pixels; valid only inside `withSampler`.
    /// Inlinable: FormScan's registration and box warping call it millions of times a page.
    @frozen
    public struct Sampler {
        @usableFromInline let pixels: UnsafeBufferPointer<UInt8>
        public let width: Int, height: Int

        @inlinable
        init(pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int) {
            self.pixels = pixels; self.width = width; self.height = height
        }

        @inlinable @inline(__always)
        public func sample(x: Double, y: Double, outside: UInt8 = 255) -> Double {
            // Floor by truncation and a correction: `rounded(.down)` is a call into libm on
            // x86-64's baseline instruction set, twice per sample (a third of the line fit).
            var ix = Int(x), iy = Int(y)
            if Double(ix) > x { ix &-= 1 }
            if Double(iy) > y { iy &-= 1 }
            let fx = Double(ix), fy = Double(iy)
            if ix < 0 || iy < 0 || ix + 1 >= width || iy + 1 >= height {
                if ix >= 0 && iy >= 0 && ix < width && iy < height { return Double(pixels[iy * width + ix]) }
                return Double(outside)
            }
            return interpolate(ix, iy, x - fx, y - fy)
        }

        /// `sample(x:y:)` for a point the caller knows to lie at least one pixel inside the
        /// image (1 ≤ x < width - 2, same for y): the same value, without the edge tests, and
        /// the floor is the truncation (hot loops that check a whole patch once).
        @inlinable @inline(__always)
        public func sampleInside(x: Double, y: Double) -> Double {
            let ix = Int(x), iy = Int(y)
            return interpolate(ix, iy, x - Double(ix), y - Double(iy))
        }

        @inlinable @inline(__always)
        func interpolate(_ ix: Int, _ iy: Int, _ ax: Double, _ ay: Double) -> Double {
            // Wrapping arithmetic: the indices are in range (checked by the callers), and
            // overflow checks here keep the compiler from optimising the callers' loops.
            let p = iy &* width &+ ix
            let v00 = Double(pixels[p]), v10 = Double(pixels[p &+ 1])
            let v01 = Double(pixels[p &+ width]), v11 = Double(pixels[p &+ width &+ 1])
            return (v00 * (1 - ax) + v10 * ax) * (1 - ay) + (v01 * (1 - ax) + v11 * ax) * ay
        }
    }

    /// The sub-rectangle (clipped to the image; off-image parts are white).
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> GrayImage {
        var out = GrayImage(width: max(0, w), height: max(0, h))
        for yy in 0..<out.height {
            for xx in 0..<out.width {
                out.pixels[yy * out.width + xx] = value(x: x + xx, y: y + yy)
            }
        }
        return out
    }

    /// Area-averaging / bilinear resize to the given size.
    public func resized(width w: Int, height h: Int) -> GrayImage {
        guard w > 0, h > 0, width > 0, height > 0 else { return GrayImage(width: max(w, 0), height: max(h, 0)) }
        var out = GrayImage(width: w, height: h)
        let sx = Double(width) / Double(w), sy = Double(height) / Double(h)
        if sx <= 1.0 && sy <= 1.0 {
            withSampler { src in
                for y in 0..<h {
                    for x in 0..<w {
                        let v = src.sample(x: (Double(x) + 0.5) * sx - 0.5, y: (Double(y) + 0.5) * sy - 0.5)
                        out.pixels[y * w + x] = UInt8(max(0, min(255, v.rounded())))
                    }
                }
            }
            return out
        }
        // Shrinking: average every source pixel that falls into the destination cell. The rows
        // of a cell are first added column by column (a loop the compiler vectorises), then the
        // columns of each cell.
        let width = self.width, height = self.height
        let xs = (0...w).map { Int(Double($0) * sx) }
        // Each cell's mean is its sum times 2^32 / area (rounded up), shifted back: exactly the
        // integer division for every sum up to 255 x area while area < 4,096 (the error,
        // under 255 area / 2^32, stays below the quotient's smallest fraction, 1 / area),
        // without a hardware divide per pixel (a quarter of the time).
        let largestArea = min(4095, (Int(sy) + 2) * (Int(sx) + 2))
        let reciprocal: [UInt64] = (0...largestArea).map { $0 == 0 ? 0 : ((1 << 32) + UInt64($0) - 1) / UInt64($0) }
        var columns = [Int32](repeating: 0, count: width)
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                columns.withUnsafeMutableBufferPointer { columns in
                    for y in 0..<h {
                        let y0 = Int(Double(y) * sy), y1 = max(y0 + 1, min(height, Int(Double(y + 1) * sy)))
                        for xx in 0..<width { columns[xx] = 0 }
                        for yy in y0..<y1 {
                            // Wrapping index arithmetic lets the compiler vectorise (10x here).
                            let row = yy &* width
                            for xx in 0..<width { columns[xx] &+= Int32(src[row &+ xx]) }
                        }
                        for x in 0..<w {
                            let x0 = xs[x], x1 = max(x0 + 1, min(width, xs[x + 1]))
                            var sum = 0
                            for xx in x0..<x1 { sum &+= Int(columns[xx]) }
                            let area = (y1 &- y0) &* (x1 &- x0)
                            dst[y &* w &+ x] = area < reciprocal.count
                                ? UInt8(truncatingIfNeeded: (UInt64(truncatingIfNeeded: sum) &* reciprocal[area]) >> 32)
                                : UInt8(sum / area)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Rotated by a multiple of 90 degrees clockwise.
    public func rotated(quarterTurns: Int) -> GrayImage {
        let q = ((quarterTurns % 4) + 4) % 4
        if q == 0 { return self }
        let (w, h) = q == 2 ? (width, height) : (height, width)
        var out = GrayImage(width: w, height: h)
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        let (nx, ny): (Int, Int)
                        switch q {
                        case 1: (nx, ny) = (height - 1 - y, x)
                        case 2: (nx, ny) = (width - 1 - x, height - 1 - y)
                        default: (nx, ny) = (y, width - 1 - x)
                        }
                        dst[ny * w + nx] = src[y * width + x]
                    }
                }
            }
        }
        return out
    }
}

import DigitReader

/// A 0/1 ink map of a page: 1 where a pixel is clearly darker than its neighbourhood.
struct InkMap {
    let width: Int
    let height: Int
    var bits: [UInt8]

    @inline(__always) subscript(x: Int, y: Int) -> UInt8 { bits[y * width + x] }

    /// Local-mean threshold (window `radius`), robust to uneven light and faint scans.
    init(_ image: GrayImage, radius: Int = 15, contrast: Int = 20) {
        width = image.width
        height = image.height
        let w = width, h = height
        var integral = [Int](repeating: 0, count: (w + 1) * (h + 1))
        var out = [UInt8](repeating: 0, count: w * h)
        image.pixels.withUnsafeBufferPointer { px in
            integral.withUnsafeMutableBufferPointer { ii in
                for y in 0..<h {
                    var rowSum = 0
                    for x in 0..<w {
                        // Wrapping arithmetic in the hot loops (indices are in range): overflow
                        // checks keep the compiler from optimising them.
                        rowSum &+= Int(px[y &* w &+ x])
                        ii[(y &+ 1) &* (w &+ 1) &+ x &+ 1] = ii[y &* (w &+ 1) &+ x &+ 1] &+ rowSum
                    }
                }
            }
            integral.withUnsafeBufferPointer { ii in
                out.withUnsafeMutableBufferPointer { o in
                    for y in 0..<h {
                        let y0 = max(0, y - radius), y1 = min(h, y + radius + 1)
                        for x in 0..<w {
                            let x0 = max(0, x - radius), x1 = min(w, x + radius + 1)
                            let w1 = w &+ 1
                            let sum = ii[y1 &* w1 &+ x1] &- ii[y0 &* w1 &+ x1] &- ii[y1 &* w1 &+ x0] &+ ii[y0 &* w1 &+ x0]
                            let area = (y1 &- y0) &* (x1 &- x0)
                            let v = Int(px[y &* w &+ x])
                            // Darker than the neighbourhood's mean (rounded down) by a margin, and
                            // not near-white: v < sum / area - contrast, that is
                            // (v + contrast + 1) * area <= sum, without a divide per pixel.
                            if (v &+ contrast &+ 1) &* area <= sum && v < 200 { o[y &* w &+ x] = 1 }
                        }
                    }
                }
            }
        }
        bits = out
    }

    init(width: Int, height: Int, bits: [UInt8]) {
        self.width = width; self.height = height; self.bits = bits
    }

    /// Keeps only pixels in horizontal (or vertical) dark runs at least `minRun` long: ruled lines.
    func runs(horizontal: Bool, minRun: Int) -> InkMap {
        var out = [UInt8](repeating: 0, count: width * height)
        bits.withUnsafeBufferPointer { b in
            if horizontal {
                out.withUnsafeMutableBufferPointer { out in
                    for y in 0..<height {
                        let row = y &* width
                        var x = 0
                        while x < width {
                            if b[row &+ x] == 0 { x &+= 1; continue }
                            var e = x
                            while e < width && (b[row &+ e] != 0 || (e &+ 1 < width && b[row &+ e &+ 1] != 0)) { e &+= 1 }
                            if e &- x >= minRun { for k in x..<e { out[row &+ k] = 1 } }
                            x = e &+ 1
                        }
                    }
                }
            } else {
                // Row by row with a run start per column (walking down each column misses the
                // cache at every pixel); the same runs as along the rows above, gaps of one
                // pixel bridged.
                var start = [Int](repeating: -1, count: width)
                start.withUnsafeMutableBufferPointer { start in
                    out.withUnsafeMutableBufferPointer { out in
                        func close(_ x: Int, at e: Int) {
                            if e &- start[x] >= minRun {
                                var k = start[x]
                                while k < e { out[k &* width &+ x] = 1; k &+= 1 }
                            }
                            start[x] = -1
                        }
                        for y in 0..<height {
                            let row = y &* width, next = y &+ 1 < height ? row &+ width : -1
                            for x in 0..<width {
                                let on = b[row &+ x] != 0
                                if start[x] < 0 {
                                    if on { start[x] = y }
                                } else if !on && (next < 0 || b[next &+ x] == 0) {
                                    close(x, at: y)
                                }
                            }
                        }
                        for x in 0..<width where start[x] >= 0 { close(x, at: height) }
                    }
                }
            }
        }
        return InkMap(width: width, height: height, bits: out)
    }
}

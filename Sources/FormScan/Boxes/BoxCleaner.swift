import DigitReader

/// Cuts one digit box out of a registered page and cleans it for the readers:
/// printed box lines found and cut away, ink isolated from paper and specks, tight crop.
public struct BoxCleaner: Sendable {
    /// Template pixels of page kept around the box so its printed lines are inside the cut.
    public var margin = 7.0

    public init() {}

    /// The box as it appears in the image, resampled to template resolution (lines included).
    public func warp(_ image: GrayImage, box: Rect, transform: Homography) -> GrayImage {
        let w = Int((box.width + 2 * margin).rounded()), h = Int((box.height + 2 * margin).rounded())
        var out = GrayImage(width: w, height: h)
        let x0 = box.x - margin, y0 = box.y - margin
        // Sample at the local image scale: average a few points when the image is larger.
        let s = transform.scale(near: box.midX, box.midY)
        let n = s > 1.6 ? 2 : 1
        for y in 0..<h {
            for x in 0..<w {
                var sum = 0.0
                for sy in 0..<n { for sx in 0..<n {
                    let tx = x0 + Double(x) + (Double(sx) + 0.5) / Double(n) - 0.5
                    let ty = y0 + Double(y) + (Double(sy) + 0.5) / Double(n) - 0.5
                    let p = transform.apply(tx, ty)
                    sum += image.sample(x: p.x, y: p.y)
                } }
                out[x, y] = UInt8(max(0, min(255, (sum / Double(n * n)).rounded())))
            }
        }
        return out
    }

    /// Finds the printed frame in a warped box, removes it and everything outside, and keeps the ink.
    public func clean(_ warped: GrayImage) -> BoxCrop {
        let w = warped.width, h = warped.height
        let m = Int(margin.rounded())
        // Paper level: a high percentile of the cut.
        var hist = [Int](repeating: 0, count: 256)
        for v in warped.pixels { hist[Int(v)] += 1 }
        var acc = 0, paper = 255
        for v in stride(from: 255, through: 0, by: -1) { acc += hist[v]; if acc >= warped.pixels.count / 5 { paper = v; break } }
        let threshold = max(40, Int(Double(paper) * 0.62))
        func isDark(_ x: Int, _ y: Int) -> Bool { Int(warped[x, y]) < threshold }
        // Printed lines: the darkest row/column band near each nominal edge.
        func lineRow(near nominal: Int, from: Int, to: Int) -> (Int, Int)? {
            var rows: [Int] = []
            for y in max(0, nominal - m + 1)...min(h - 1, nominal + m - 1) {
                var dark = 0
                for x in from..<to where isDark(x, y) { dark += 1 }
                if Double(dark) >= 0.55 * Double(to - from) { rows.append(y) }
            }
            return rows.isEmpty ? nil : (rows.min()!, rows.max()!)
        }
        func lineCol(near nominal: Int, from: Int, to: Int) -> (Int, Int)? {
            var cols: [Int] = []
            for x in max(0, nominal - m + 1)...min(w - 1, nominal + m - 1) {
                var dark = 0
                for y in from..<to where isDark(x, y) { dark += 1 }
                if Double(dark) >= 0.55 * Double(to - from) { cols.append(x) }
            }
            return cols.isEmpty ? nil : (cols.min()!, cols.max()!)
        }
        let top = (lineRow(near: m, from: m + 4, to: w - m - 4)?.1 ?? m + 1) + 3
        let bottom = (lineRow(near: h - 1 - m, from: m + 4, to: w - m - 4)?.0 ?? h - m - 2) - 3
        let left = (lineCol(near: m, from: m + 4, to: h - m - 4)?.1 ?? m + 1) + 3
        let right = (lineCol(near: w - 1 - m, from: m + 4, to: h - m - 4)?.0 ?? w - m - 2) - 3
        let iw = right - left + 1, ih = bottom - top + 1
        guard iw > 8, ih > 8 else {
            return BoxCrop(ink: GrayImage(width: 0, height: 0), inkFraction: 0, isBlank: true, boxWidth: max(0, iw), boxHeight: max(0, ih))
        }
        // Ink components inside the frame.
        var mask = [UInt8](repeating: 0, count: iw * ih)
        for y in 0..<ih { for x in 0..<iw where isDark(left + x, top + y) { mask[y * iw + x] = 1 } }
        var label = [Int32](repeating: 0, count: iw * ih)
        var keep = [UInt8](repeating: 0, count: iw * ih)
        var next: Int32 = 0
        var stack: [Int] = []
        for start in 0..<(iw * ih) where mask[start] == 1 && label[start] == 0 {
            next += 1
            label[start] = next
            stack.append(start)
            var members: [Int] = []
            var minX = iw, maxX = 0, minY = ih, maxY = 0
            while let p = stack.popLast() {
                members.append(p)
                let px = p % iw, py = p / iw
                minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
                for dy in -1...1 { for dx in -1...1 {
                    let qx = px + dx, qy = py + dy
                    if qx < 0 || qy < 0 || qx >= iw || qy >= ih { continue }
                    let q = qy * iw + qx
                    if mask[q] == 1 && label[q] == 0 { label[q] = next; stack.append(q) }
                } }
            }
            let bw = maxX - minX + 1, bh = maxY - minY + 1
            // specks
            if members.count < 8 && max(bw, bh) < 6 { continue }
            // remnants of the printed frame: thin, long, hugging an edge
            let hugsTopOrBottom = bh <= 4 && bw > iw / 2 && (minY <= 2 || maxY >= ih - 3)
            let hugsSides = bw <= 4 && bh > ih / 2 && (minX <= 2 || maxX >= iw - 3)
            if hugsTopOrBottom || hugsSides { continue }
            for p in members { keep[p] = 1 }
        }
        var minX = iw, maxX = -1, minY = ih, maxY = -1, count = 0
        for y in 0..<ih { for x in 0..<iw where keep[y * iw + x] == 1 {
            count += 1; minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        } }
        let fraction = Double(count) / Double(iw * ih)
        let blank = count < 15 || (maxY - minY + 1 < ih / 5 && maxX - minX + 1 < iw / 5)
        if blank {
            return BoxCrop(ink: GrayImage(width: 0, height: 0), inkFraction: fraction, isBlank: true, boxWidth: iw, boxHeight: ih)
        }
        // Tight crop: ink keeps its gray level (anti-aliased edges), the rest is paper white.
        let cw = maxX - minX + 1, ch = maxY - minY + 1
        var ink = GrayImage(width: cw, height: ch)
        for y in 0..<ch { for x in 0..<cw {
            let sx = minX + x, sy = minY + y
            var near = false
            for dy in -1...1 { for dx in -1...1 {
                let qx = sx + dx, qy = sy + dy
                if qx >= 0 && qy >= 0 && qx < iw && qy < ih && keep[qy * iw + qx] == 1 { near = true }
            } }
            if near {
                // stretch so that paper is white and ink black whatever the scan's contrast
                let v = Double(warped[left + sx, top + sy])
                let stretched = (v - 0) / Double(max(paper, 1)) * 255
                ink[x, y] = UInt8(max(0, min(255, stretched.rounded())))
            }
        } }
        return BoxCrop(ink: ink, inkFraction: fraction, isBlank: false, boxWidth: iw, boxHeight: ih)
    }
}

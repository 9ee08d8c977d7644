import DigitReader

/// Cuts one digit box out of a registered page and cleans it for the readers:
/// printed box lines found and cut away, ink isolated from paper and specks, tight crop.
public struct BoxCleaner: Sendable {
    /// Template pixels of page kept around the box so its printed lines are inside the cut.
    public var margin = 7.0

    public init() {}

    /// Whether the whole box (with its printed frame) lies inside the image.
    public func isInside(_ image: GrayImage, box: Rect, transform: Homography) -> Bool {
        let corners = [(box.x - 2, box.y - 2), (box.x + box.width + 2, box.y - 2),
                       (box.x - 2, box.y + box.height + 2), (box.x + box.width + 2, box.y + box.height + 2)]
        return corners.allSatisfy { c in
            let p = transform.apply(c.0, c.1)
            return p.x >= 0 && p.y >= 0 && p.x < Double(image.width) && p.y < Double(image.height)
        }
    }

    /// The box as it appears in the image, resampled to template resolution (lines included).
    public func warp(_ image: GrayImage, box: Rect, transform: Homography) -> GrayImage {
        let w = Int((box.width + 2 * margin).rounded()), h = Int((box.height + 2 * margin).rounded())
        var out = GrayImage(width: w, height: h)
        let x0 = box.x - margin, y0 = box.y - margin
        // Sample at the local image scale: average a few points when the image is larger.
        let s = transform.scale(near: box.midX, box.midY)
        let n = s > 1.6 ? 2 : 1
        image.withSampler { image in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        var sum = 0.0
                        for sy in 0..<n { for sx in 0..<n {
                            let tx = x0 + Double(x) + (Double(sx) + 0.5) / Double(n) - 0.5
                            let ty = y0 + Double(y) + (Double(sy) + 0.5) / Double(n) - 0.5
                            let p = transform.apply(tx, ty)
                            sum += image.sample(x: p.x, y: p.y)
                        } }
                        dst[y &* w &+ x] = UInt8(max(0, min(255, (sum / Double(n * n)).rounded())))
                    }
                }
            }
        }
        return out
    }

    /// The printed frame of a box found in a warped cut: the inner edge of each line, or nil
    /// for a line that was not found near its expected place.
    public struct Frame: Sendable, Equatable {
        public var top: Int?, bottom: Int?, left: Int?, right: Int?
        /// How many of the four lines were found.
        public var found: Int { [top, bottom, left, right].compactMap { $0 }.count }
    }

    /// Paper level and ink threshold of a cut.
    func levels(_ warped: GrayImage) -> (paper: Int, threshold: Int) {
        var hist = [Int](repeating: 0, count: 256)
        for v in warped.pixels { hist[Int(v)] += 1 }
        var acc = 0, paper = 255
        for v in stride(from: 255, through: 0, by: -1) { acc += hist[v]; if acc >= warped.pixels.count / 5 { paper = v; break } }
        return (paper, max(40, Int(Double(paper) * 0.62)))
    }

    /// Finds the printed lines around the box: the darkest row/column bands near each nominal edge.
    public func findFrame(_ warped: GrayImage) -> Frame {
        let w = warped.width, h = warped.height
        let m = Int(margin.rounded())
        // A printed line is the row (column) with the most pixels darker than paper; faint scans
        // break lines into dashes and lighten them, so "darker" is a light threshold and 40% of
        // the span is enough. Searched within 4 px of where the template puts the line.
        let paper = Double(levels(warped).paper)
        let lineLevel = UInt8(max(0, min(255, paper * 0.8)))
        func band(near nominal: Int, from: Int, to: Int, rows: Bool) -> (Int, Int)? {
            let limit = rows ? h : w
            let lo = max(0, nominal - 4), hi = min(limit - 1, nominal + 4)
            guard lo <= hi, from < to else { return nil }
            var fractions = [Double](repeating: 0, count: hi - lo + 1)
            for i in lo...hi {
                var dark = 0
                for j in from..<to where (rows ? warped[j, i] : warped[i, j]) < lineLevel { dark += 1 }
                fractions[i - lo] = Double(dark) / Double(to - from)
            }
            guard let best = fractions.indices.max(by: { fractions[$0] < fractions[$1] }), fractions[best] >= 0.4 else { return nil }
            var a = best, b = best
            while a > 0 && fractions[a - 1] >= 0.5 * fractions[best] { a -= 1 }
            while b < fractions.count - 1 && fractions[b + 1] >= 0.5 * fractions[best] { b += 1 }
            return (lo + a, lo + b)
        }
        return Frame(top: band(near: m, from: m + 4, to: w - m - 4, rows: true)?.1,
                     bottom: band(near: h - 1 - m, from: m + 4, to: w - m - 4, rows: true)?.0,
                     left: band(near: m, from: m + 4, to: h - m - 4, rows: false)?.1,
                     right: band(near: w - 1 - m, from: m + 4, to: h - m - 4, rows: false)?.0)
    }

    /// Removes the printed frame and everything outside it, and keeps the ink. A box whose only
    /// ink is fainter than a pen's (a light pencil, a pen running dry) is not called blank: its
    /// faint strokes are kept, marked `faint`, and the reading weighs "blank" against them.
    public func clean(_ warped: GrayImage) -> BoxCrop {
        let w = warped.width, h = warped.height
        let m = Int(margin.rounded())
        let (paper, threshold) = levels(warped)
        let frame = findFrame(warped)
        let top = (frame.top ?? m + 1) + 3
        let bottom = (frame.bottom ?? h - m - 2) - 3
        let left = (frame.left ?? m + 1) + 3
        let right = (frame.right ?? w - m - 2) - 3
        let iw = right - left + 1, ih = bottom - top + 1
        guard iw > 8, ih > 8 else {
            return BoxCrop(ink: GrayImage(width: 0, height: 0), inkFraction: 0, isBlank: true, boxWidth: max(0, iw), boxHeight: max(0, ih))
        }
        let interior = (left: left, top: top, width: iw, height: ih)
        // Hysteresis: components are grown over "weak" ink (lighter than the threshold), so that
        // a thin or faint stroke (a bare 1 on a faded scan) is kept whole rather than lost.
        let pen = ink(warped, interior, paper: paper, strong: threshold, weak: max(threshold + 1, Int(Double(paper) * 0.82)))
        var crop = pen.crop
        // A blank box's few pixels too: the end of a stroke drawn across from the next box.
        crop.wallContact = wallContacts(pen.kept, interior)
        // The faint pass: what was weak counts as ink, and lighter still as weak.
        let strongFaint = max(threshold + 1, Int(Double(paper) * Self.faintInk))
        let weakFaint = max(threshold + 2, Int(Double(paper) * Self.faintestInk))
        guard crop.isBlank else {
            // Strokes partly lighter than a pen's (a 4 whose crossbar faded leaves a 1): when
            // the faint pass, grown from the ink already kept (never a stray mark elsewhere in
            // the box), finds clearly more ink, both are read.
            guard Double(crop.ink.width) <= Self.stem * Double(crop.ink.height) else { return crop }
            let more = ink(warped, interior, paper: paper, strong: strongFaint, weak: weakFaint, black: .fixed(Double(strongFaint)), grownFrom: pen.kept).crop
            if !more.isBlank, Double(more.ink.width) >= Self.wider * Double(crop.ink.width), more.ink.width >= crop.ink.width + 6 {
                crop.fainterInk = more.ink
            }
            return crop
        }
        // Only faint ink, if any.
        let faintPass = ink(warped, interior, paper: paper, strong: strongFaint, weak: weakFaint, black: .darkest)
        var faint = faintPass.crop
        guard !faint.isBlank else { return crop }
        faint.faint = true
        faint.wallContact = wallContacts(faintPass.kept, interior)
        return faint
    }

    /// The faint pass adds a reading to a stroke-like crop (width at most `stem` of its
    /// height: a 1, or what is left of a 4, 7 or 9 whose lighter strokes were lost) when it
    /// makes the ink `wider` times as wide. Wider crops are not re-read: on the real scans the
    /// faint pass joins the form's light background print to the strokes of an X.
    static let stem = 0.5
    static let wider = 1.6

    /// What becomes black in a crop: nothing stretched (0), the darkest ink kept, or a level.
    enum BlackLevel { case zero, darkest, fixed(Double) }

    /// Ink at most this share of the paper's brightness counts in the faint pass (a pen's ink is
    /// below 0.62 of paper, a stroke's anti-aliased edges below 0.82).
    static let faintInk = 0.82
    static let faintestInk = 0.9

    /// The ink inside the box's interior: components of pixels darker than `weak` holding some
    /// darker than `strong`, without specks and frame remnants, tightly cropped; blank when too
    /// little is left. `black`: the level stretched to black (paper stays white). `grownFrom`:
    /// keep only components that hold a pixel of this mask. Returns the mask of pixels kept.
    func ink(_ warped: GrayImage, _ interior: (left: Int, top: Int, width: Int, height: Int), paper: Int, strong threshold: Int, weak weakThreshold: Int,
             black: BlackLevel = .zero, grownFrom seeds: [UInt8]? = nil) -> (crop: BoxCrop, kept: [UInt8]) {
        let (left, top, iw, ih) = interior
        func isDark(_ x: Int, _ y: Int) -> Bool { Int(warped[x, y]) < threshold }
        func isWeak(_ x: Int, _ y: Int) -> Bool { Int(warped[x, y]) < weakThreshold }
        // Ink components inside the frame.
        var mask = [UInt8](repeating: 0, count: iw * ih)
        for y in 0..<ih { for x in 0..<iw where isWeak(left + x, top + y) { mask[y * iw + x] = isDark(left + x, top + y) ? 2 : 1 } }
        var label = [Int32](repeating: 0, count: iw * ih)
        var keep = [UInt8](repeating: 0, count: iw * ih)
        var next: Int32 = 0
        var stack: [Int] = []
        for start in 0..<(iw * ih) where mask[start] != 0 && label[start] == 0 {
            next += 1
            label[start] = next
            stack.append(start)
            var members: [Int] = []
            var strong = 0
            var minX = iw, maxX = 0, minY = ih, maxY = 0
            while let p = stack.popLast() {
                members.append(p)
                if mask[p] == 2 { strong += 1 }
                let px = p % iw, py = p / iw
                minX = min(minX, px); maxX = max(maxX, px); minY = min(minY, py); maxY = max(maxY, py)
                for dy in -1...1 { for dx in -1...1 {
                    let qx = px + dx, qy = py + dy
                    if qx < 0 || qy < 0 || qx >= iw || qy >= ih { continue }
                    let q = qy * iw + qx
                    if mask[q] != 0 && label[q] == 0 { label[q] = next; stack.append(q) }
                } }
            }
            let bw = maxX - minX + 1, bh = maxY - minY + 1
            // specks
            if members.count < 8 && max(bw, bh) < 6 { continue }
            // only faint pixels: keep it only if it is a real stroke (tall or wide), not smudge
            if strong == 0 && !(members.count >= 20 && (bh >= ih * 2 / 5 || bw >= iw * 2 / 5)) { continue }
            // remnants of the printed frame: thin, long, hugging an edge
            let hugsTopOrBottom = bh <= 4 && bw > iw / 2 && (minY <= 2 || maxY >= ih - 3)
            let hugsSides = bw <= 4 && bh > ih / 2 && (minX <= 2 || maxX >= iw - 3)
            if hugsTopOrBottom || hugsSides { continue }
            if let seeds, !members.contains(where: { seeds[$0] == 1 }) { continue }
            for p in members { keep[p] = 1 }
        }
        var minX = iw, maxX = -1, minY = ih, maxY = -1, count = 0
        for y in 0..<ih { for x in 0..<iw where keep[y * iw + x] == 1 {
            count += 1; minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        } }
        let fraction = Double(count) / Double(iw * ih)
        let blank = count < 15 || (maxY - minY + 1 < ih / 5 && maxX - minX + 1 < iw / 5)
        if blank {
            return (BoxCrop(ink: GrayImage(width: 0, height: 0), inkFraction: fraction, isBlank: true, boxWidth: iw, boxHeight: ih), keep)
        }
        // Tight crop: ink keeps its gray level (anti-aliased edges), the rest is paper white.
        let cw = maxX - minX + 1, ch = maxY - minY + 1
        var darkest = 0.0
        switch black {
        case .zero: break
        case .fixed(let level): darkest = level
        case .darkest:
            darkest = 255
            for y in 0..<ch { for x in 0..<cw where keep[(minY + y) * iw + minX + x] == 1 { darkest = min(darkest, Double(warped[left + minX + x, top + minY + y])) } }
        }
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
                let stretched = (v - darkest) / max(1, Double(paper) - darkest) * 255
                ink[x, y] = UInt8(max(0, min(255, stretched.rounded())))
            }
        } }
        return (BoxCrop(ink: ink, inkFraction: fraction, isBlank: false, boxWidth: iw, boxHeight: ih), keep)
    }

    /// Where the ink kept (`ink`'s mask over the interior) meets the interior's left and right
    /// walls, in template pixels from the box's corner (the cut has `margin` pixels of page
    /// around it), and the stroke's slope there.
    func wallContacts(_ keep: [UInt8], _ interior: (left: Int, top: Int, width: Int, height: Int)) -> (left: BoxCrop.WallContact?, right: BoxCrop.WallContact?) {
        let (left, top, iw, ih) = interior
        let band = Self.wallBand
        guard iw > 4 * band else { return (nil, nil) }
        func meanRow(_ columns: ClosedRange<Int>) -> Double? {
            var sum = 0, n = 0
            for y in 0..<ih { for x in columns where keep[y * iw + x] == 1 { sum += y; n += 1 } }
            return n == 0 ? nil : Double(sum) / Double(n)
        }
        let corner = (x: Double(left) - margin, y: Double(top) - margin)
        var contacts: (left: BoxCrop.WallContact?, right: BoxCrop.WallContact?) = (nil, nil)
        if let atWall = meanRow(0...(band - 1)) {
            let inside = meanRow(band...(2 * band - 1)) ?? atWall
            contacts.left = BoxCrop.WallContact(x: corner.x + Double(band - 1) / 2, y: corner.y + atWall,
                                                slope: (inside - atWall) / Double(band))
        }
        if let atWall = meanRow((iw - band)...(iw - 1)) {
            let inside = meanRow((iw - 2 * band)...(iw - band - 1)) ?? atWall
            contacts.right = BoxCrop.WallContact(x: corner.x + Double(iw) - Double(band + 1) / 2, y: corner.y + atWall,
                                                 slope: (atWall - inside) / Double(band))
        }
        return contacts
    }

    /// Columns at each side of the interior where ink counts as touching the wall.
    static let wallBand = 3
}

extension BoxCleaner {
    /// Marks the boxes of one number whose ink goes on through a shared wall into the next box
    /// (`BoxCrop.crossesIntoNeighbour`): both touch that wall, and their strokes, carried on
    /// at their slopes to halfway between the two interiors, meet within `crossingTolerance`
    /// template pixels at about the same slope. A stroke drawn across boxes (an `X` over a
    /// whole row on the 2019 sheets) does; a digit stays inside its box. The next box may be
    /// blank, its few pixels the end of the stroke (an X over two rows of three boxes leaves a
    /// corner of the middle box); only boxes with ink are marked.
    static func markCrossings(_ crops: inout [BoxCrop?], boxes: [Rect]) {
        guard crops.count == boxes.count, crops.count > 1 else { return }
        for i in 0..<(crops.count - 1) {
            guard let a = crops[i], let b = crops[i + 1], !a.isBlank || !b.isBlank,
                  let r = a.wallContact.right, let l = b.wallContact.left else { continue }
            let (ax, ay) = (boxes[i].x + r.x, boxes[i].y + r.y)
            let (bx, by) = (boxes[i + 1].x + l.x, boxes[i + 1].y + l.y)
            let mid = (ax + bx) / 2
            guard bx > ax, abs(r.slope - l.slope) <= slopeTolerance,
                  abs((ay + r.slope * (mid - ax)) - (by - l.slope * (bx - mid))) <= crossingTolerance else { continue }
            let slanted = (abs(r.slope) + abs(l.slope)) / 2 >= slantedSlope
            for j in [i, i + 1] where crops[j]?.isBlank == false {
                crops[j]?.crossesIntoNeighbour = true
                if slanted { crops[j]?.crossingIsSlanted = true }
            }
        }
    }

    /// How far apart, in template pixels, the two strokes may meet halfway between the boxes…
    static let crossingTolerance = 4.0
    /// …and their slopes (rows per column) differ by at most this: one straight stroke, not two
    /// marks that happen to touch the wall at the same height (an `X` and the digit beside it).
    static let slopeTolerance = 0.5
    /// A stroke through the wall this steep (mean of its two slopes, rows per column) is an
    /// `X`'s diagonal (`BoxCrop.crossingIsSlanted`): on the 20 real pages the diagonals of Xs
    /// drawn over two or three boxes cross at 0.33–0.92, a flattened X over three boxes at
    /// 0.0–0.25 (both strokes in the wall band, their mean row nearly level), a dash at about 0.
    static let slantedSlope = 0.3
}

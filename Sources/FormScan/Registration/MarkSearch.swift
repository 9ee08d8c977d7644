import DigitReader
import Foundation

/// The corner marks looked for over the whole image, with no start at all: every dark, compact,
/// square-ish blob is a candidate, and the template's four marks are matched to them by
/// consensus (RANSAC-style): two candidates taken as two of the marks fix a similarity, which
/// predicts where the other marks are; a hypothesis is the set of candidates found there. What
/// survives is a start for the ruled-line fit, which alone decides (a set of blobs that only
/// looks like the marks explains few of the lines and is refused as any fit is).
///
/// Independent of the page outline and of the coarse line search: it holds where those fail
/// (a page turned by any angle, a sheet whose outline merges with white corners, lines broken
/// by a threshold), because the marks are the blackest, most regular things on the form.
enum MarkSearch {
    /// A candidate mark in image pixels: its box centre and side (mean of width and height),
    /// and how much of its box it fills.
    struct Candidate { var x: Double; var y: Double; var side: Double; var fill: Double }

    /// Long side of the copy the candidates are looked for on (a 2019 scan's 27 px marks are
    /// 18 px there; a page filling half a photo's frame, 9 px).
    static let side = 1200

    /// Dark blobs that could be marks, largest first (at most `limit`).
    static func candidates(_ image: GrayImage, limit: Int = 150) -> [Candidate] {
        let k = min(1, Double(side) / Double(max(image.width, image.height)))
        let small = k < 1 ? image.resized(width: max(1, Int(Double(image.width) * k)), height: max(1, Int(Double(image.height) * k))) : image
        let (w, h) = (small.width, small.height)
        guard w >= 16, h >= 16 else { return [] }
        // Dark against its own surroundings (a photo's light falls unevenly): darker than half the
        // mean of a window several marks wide. A mark is ink on paper, near black on any picture
        // where a person can see it; half the paper's brightness holds on a dim photo and on a
        // thresholded scan alike.
        let r = max(8, max(w, h) / 25)
        var integral = [Int](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0..<h {
            var row = 0
            for x in 0..<w {
                row += Int(small.pixels[y * w + x])
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row
            }
        }
        var dark = [Bool](repeating: false, count: w * h)
        for y in 0..<h {
            let y0 = max(0, y - r), y1 = min(h, y + r + 1)
            for x in 0..<w {
                let x0 = max(0, x - r), x1 = min(w, x + r + 1)
                let sum = integral[y1 * (w + 1) + x1] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0] + integral[y0 * (w + 1) + x0]
                let mean = Double(sum) / Double((x1 - x0) * (y1 - y0))
                dark[y * w + x] = Double(small.pixels[y * w + x]) < 0.5 * mean
            }
        }
        var found: [Candidate] = []
        for b in blobs(dark, width: w, height: h) {
            let bw = Double(b.maxX - b.minX + 1), bh = Double(b.maxY - b.minY + 1)
            // Square-ish (a square seen at 35° tilt is 0.8 as high as wide), at least 4 px, at
            // most a tenth of the copy, filling at least a third of its box (a stepped mark
            // turned 45°); a ruled line or a word is none of these together.
            guard bw >= 4, bh >= 4, max(bw, bh) <= Double(max(w, h)) / 10,
                  max(bw, bh) / min(bw, bh) <= 1.6 else { continue }
            let fill = Double(b.count) / (bw * bh)
            guard fill >= 0.33 else { continue }
            found.append(Candidate(x: (Double(b.minX + b.maxX) / 2 + 0.5) / k, y: (Double(b.minY + b.maxY) / 2 + 0.5) / k,
                                   side: (bw + bh) / 2 / k, fill: fill))
        }
        // A stepped mark (two squares meeting at a corner, the 2024 pages) comes apart where the
        // corner blurs: two pieces of about one size whose centres lie about a diagonal apart
        // are also a candidate, their joint box.
        let pieces = found.sorted { $0.x < $1.x }
        for i in pieces.indices {
            let a = pieces[i]
            for j in (i + 1)..<pieces.count {
                let b = pieces[j]
                if b.x - a.x > 1.6 * max(a.side, b.side) { break }
                guard max(a.side, b.side) / min(a.side, b.side) <= 1.5,
                      hypot(b.x - a.x, b.y - a.y) <= 1.6 * max(a.side, b.side) else { continue }
                let (x0, x1) = (min(a.x - a.side / 2, b.x - b.side / 2), max(a.x + a.side / 2, b.x + b.side / 2))
                let (y0, y1) = (min(a.y - a.side / 2, b.y - b.side / 2), max(a.y + a.side / 2, b.y + b.side / 2))
                guard max(x1 - x0, y1 - y0) / min(x1 - x0, y1 - y0) <= 1.6 else { continue }
                let ink = a.fill * a.side * a.side + b.fill * b.side * b.side
                found.append(Candidate(x: (x0 + x1) / 2, y: (y0 + y1) / 2, side: (x1 - x0 + y1 - y0) / 2, fill: ink / ((x1 - x0) * (y1 - y0))))
            }
        }
        found.sort { $0.side > $1.side }
        return Array(found.prefix(limit))
    }

    /// Starts (template -> image) from the candidates, best first: the hypotheses that put a
    /// candidate of the right size on three or four of the template's marks.
    static func starts(_ found: [Candidate], template: Template, count: Int = 3) -> [Homography] {
        let marks = template.marks.filter { $0.count == 4 }
        guard marks.count == 4, found.count >= 3 else { return [] }
        let centres = marks.map { (x: $0[0] + $0[2] / 2, y: $0[1] + $0[3] / 2) }
        let markSide = marks.map { ($0[2] + $0[3]) / 2 }.reduce(0, +) / 4
        let fill = template.markFill ?? 1
        // A candidate's fill may be half the mark's (a square turned 45° fills half its box).
        let usable = found.indices.filter { found[$0].fill >= 0.5 * fill }
        struct Hypothesis { var picks: [Int?]; var matched: Int; var scale: Double; var error: Double }
        var hypotheses: [Hypothesis] = []
        var seen = Set<[Int]>()
        for (i, j) in [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)] {
            let (mi, mj) = (centres[i], centres[j])
            let (tdx, tdy) = (mj.x - mi.x, mj.y - mi.y)
            let tlen = hypot(tdx, tdy)
            for a in usable { for b in usable where b != a {
                let (ca, cb) = (found[a], found[b])
                let (idx, idy) = (cb.x - ca.x, cb.y - ca.y)
                let ilen = hypot(idx, idy)
                let s = ilen / tlen
                // Both the size the pair implies: a mark seen from 35° off is 0.8 of its size one
                // way; a wide margin for blur and thresholds that grow or shrink a blob.
                guard s > 0, ca.side > 0.6 * markSide * s, ca.side < 1.6 * markSide * s,
                      cb.side > 0.6 * markSide * s, cb.side < 1.6 * markSide * s else { continue }
                // The similarity taking mark i to a and mark j to b (as complex numbers).
                let angle = atan2(idy, idx) - atan2(tdy, tdx)
                let (c, sn) = (s * cos(angle), s * sin(angle))
                func predict(_ p: (x: Double, y: Double)) -> (x: Double, y: Double) {
                    let (dx, dy) = (p.x - mi.x, p.y - mi.y)
                    return (ca.x + c * dx - sn * dy, ca.y + sn * dx + c * dy)
                }
                var picks: [Int?] = [nil, nil, nil, nil]
                picks[i] = a; picks[j] = b
                var error = 0.0, matched = 2
                for m in 0..<4 where m != i && m != j {
                    let p = predict(centres[m])
                    // Within a fifth of the pair's distance: a page seen 35° off moves its far
                    // corners by up to that much from where a similarity puts them.
                    var best: (Int, Double)?
                    for n in usable where n != a && n != b {
                        let q = found[n]
                        guard q.side > 0.6 * markSide * s, q.side < 1.6 * markSide * s else { continue }
                        let d = hypot(q.x - p.x, q.y - p.y)
                        if d < 0.2 * ilen && (best == nil || d < best!.1) { best = (n, d) }
                    }
                    if let best { picks[m] = best.0; error += best.1 / ilen; matched += 1 }
                }
                guard matched >= 3 else { continue }
                let key = picks.map { $0 ?? -1 }
                guard seen.insert(key).inserted else { continue }
                hypotheses.append(Hypothesis(picks: picks, matched: matched, scale: s, error: error))
            } }
        }
        // More marks first; then the larger page: the corner marks are the form's outermost
        // marks, and a rectangle of dark boxes inside the form implies a smaller page.
        hypotheses.sort { ($0.matched, $0.scale, -$0.error) > ($1.matched, $1.scale, -$1.error) }
        var out: [Homography] = []
        for hy in hypotheses where out.count < count {
            let pairs = hy.picks.indices.compactMap { m in hy.picks[m].map { (centres[m], (x: found[$0].x, y: found[$0].y)) } }
            let h: Homography?
            if pairs.count == 4 {
                h = Homography.fitted(from: pairs.map(\.0), to: pairs.map(\.1))
            } else {
                h = MarkFinder.affine(from: pairs.map { ($0.0.x, $0.0.y) }, to: pairs.map { ($0.1.x, $0.1.y) })
            }
            if let h { out.append(h) }
        }
        return out
    }

    struct Blob { var count = 0, minX = Int.max, minY = Int.max, maxX = -1, maxY = -1 }

    /// 8-connected regions of true pixels.
    static func blobs(_ mask: [Bool], width w: Int, height h: Int) -> [Blob] {
        var seen = [Bool](repeating: false, count: w * h)
        var out: [Blob] = []
        var stack: [Int] = []
        for start in 0..<(w * h) where mask[start] && !seen[start] {
            var b = Blob()
            seen[start] = true; stack.append(start)
            while let i = stack.popLast() {
                let x = i % w, y = i / w
                b.count += 1
                b.minX = min(b.minX, x); b.maxX = max(b.maxX, x); b.minY = min(b.minY, y); b.maxY = max(b.maxY, y)
                for dy in -1...1 { for dx in -1...1 where dx != 0 || dy != 0 {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                    let j = ny * w + nx
                    if mask[j] && !seen[j] { seen[j] = true; stack.append(j) }
                } }
            }
            out.append(b)
        }
        return out
    }
}

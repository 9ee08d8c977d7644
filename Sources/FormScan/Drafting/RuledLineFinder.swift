import DigitReader
import Foundation

/// The ruled lines of a straight scan of a blank (or lightly filled) form: long thin runs of
/// ink, horizontal and vertical, as segments with their centre line and thickness.
struct RuledLineFinder {
    struct Segment: Sendable, Equatable {
        /// The line's centre: y for a horizontal segment, x for a vertical one.
        var position: Double
        var from: Double
        var to: Double
        var thickness: Int
        var length: Double { to - from }
    }

    /// Ink: darker than the Otsu threshold of the page (a printed form is two-toned), or
    /// clearly darker than its neighbourhood (a faint or grey rule of a scan).
    let ink: [Bool]
    let width: Int
    let height: Int

    init(_ image: GrayImage) {
        width = image.width
        height = image.height
        let t = Self.otsu(image.pixels)
        let local = InkMap(image)
        ink = image.pixels.indices.map { i in Int(image.pixels[i]) < t || local.bits[i] != 0 }
    }

    /// Otsu's threshold of a gray histogram.
    static func otsu(_ pixels: [UInt8]) -> Int {
        var hist = [Int](repeating: 0, count: 256)
        for p in pixels { hist[Int(p)] += 1 }
        let total = Double(pixels.count)
        let sumAll = hist.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.element) }
        var sumB = 0.0, weightB = 0.0, best = 0.0, threshold = 128
        for t in 0..<256 {
            weightB += Double(hist[t])
            guard weightB > 0, weightB < total else { continue }
            sumB += Double(t * hist[t])
            let mB = sumB / weightB, mF = (sumAll - sumB) / (total - weightB)
            let between = weightB * (total - weightB) * (mB - mF) * (mB - mF)
            if between > best { best = between; threshold = t + 1 }
        }
        return threshold
    }

    /// Runs of ink along rows (`horizontal`) or columns at least `minLength` long, gaps of up to
    /// `gap` pixels bridged (a thresholded scan breaks its lines into dashes), merged over
    /// neighbouring rows into segments no thicker than `maxThickness` (a filled band is no line).
    func segments(horizontal: Bool, minLength: Int, gap: Int = 3, maxThickness: Int = 11) -> [Segment] {
        let (major, minor) = horizontal ? (height, width) : (width, height)
        // Ink here or one pixel across the line: a thin line of a scan turned a fraction of a
        // degree, or of a JPEG, is not dark in one row (column) all along.
        func raw(_ m: Int, _ n: Int) -> Bool { horizontal ? ink[m * width + n] : ink[n * width + m] }
        func at(_ m: Int, _ n: Int) -> Bool { raw(m, n) || (m > 0 && raw(m - 1, n)) || (m + 1 < major && raw(m + 1, n)) }
        // Runs per row (or column).
        var runs: [[(Int, Int)]] = Array(repeating: [], count: major)
        for m in 0..<major {
            var n = 0
            while n < minor {
                guard at(m, n) else { n += 1; continue }
                let start = n
                var end = n, misses = 0
                while n < minor && misses <= gap {
                    if at(m, n) { end = n; misses = 0 } else { misses += 1 }
                    n += 1
                }
                if end - start + 1 >= minLength { runs[m].append((start, end)) }
            }
        }
        // Grow segments over consecutive rows whose runs overlap.
        struct Open { var rows: [Int]; var from: Int; var to: Int; var weightedSum: Double; var weight: Double; var last: Int }
        var open: [Open] = [], done: [Open] = []
        for m in 0..<major {
            var next: [Open] = []
            var used = Set<Int>()
            for r in runs[m] {
                if let i = open.indices.first(where: { !used.contains($0) && min(open[$0].to, r.1) - max(open[$0].from, r.0) > (r.1 - r.0) / 2 }) {
                    var o = open[i]
                    used.insert(i)
                    o.rows.append(m); o.from = min(o.from, r.0); o.to = max(o.to, r.1)
                    let len = Double(r.1 - r.0 + 1)
                    o.weightedSum += Double(m) * len; o.weight += len; o.last = m
                    next.append(o)
                } else {
                    let len = Double(r.1 - r.0 + 1)
                    next.append(Open(rows: [m], from: r.0, to: r.1, weightedSum: Double(m) * len, weight: len, last: m))
                }
            }
            for i in open.indices where !used.contains(i) { done.append(open[i]) }
            open = next
        }
        done += open
        let found = done.flatMap { o -> [Segment] in
            // A filled band (the plano sheet's grey bars beside the B and C boxes) is no line,
            // but its edges close the boxes beside it: they are lines.
            guard o.rows.count <= maxThickness else {
                return [Segment(position: Double(o.rows.first!) + 0.5, from: Double(o.from), to: Double(o.to + 1), thickness: 1),
                        Segment(position: Double(o.rows.last!) + 0.5, from: Double(o.from), to: Double(o.to + 1), thickness: 1)]
            }
            return [Segment(position: o.weightedSum / o.weight + 0.5, from: Double(o.from), to: Double(o.to + 1), thickness: o.rows.count)]
        }.sorted { ($0.position, $0.from) < ($1.position, $1.from) }
        return Self.joined(found, gap: Double(2 * gap + 2))
    }

    /// Share of the segment's length with ink on its centre line or next to it: a ruled line
    /// is nearly solid, a row of lettering is not.
    func solidity(_ s: Segment, horizontal: Bool) -> Double {
        let c = Int(s.position - 0.5)
        var hits = 0, n = 0
        for k in Int(s.from)..<Int(s.to) {
            n += 1
            for d in -1...1 {
                let m = c + d
                if horizontal {
                    if m >= 0, m < height, k >= 0, k < width, ink[m * width + k] { hits += 1; break }
                } else if m >= 0, m < width, k >= 0, k < height, ink[k * width + m] { hits += 1; break }
            }
        }
        return n > 0 ? Double(hits) / Double(n) : 0
    }

    /// Pieces of one line broken by a speck of white: joined when at the same position (within
    /// 1.5 px) and at most `gap` apart.
    static func joined(_ segments: [Segment], gap: Double) -> [Segment] {
        var out: [Segment] = []
        for s in segments.sorted(by: { ($0.from, $0.position) < ($1.from, $1.position) }) {
            if let i = out.lastIndex(where: { abs($0.position - s.position) <= 1.5 && s.from - $0.to <= gap && s.from >= $0.from }) {
                let a = out[i]
                let la = a.length, ls = s.length
                out[i] = Segment(position: (a.position * la + s.position * ls) / (la + ls), from: a.from, to: max(a.to, s.to),
                                 thickness: max(a.thickness, s.thickness))
            } else {
                out.append(s)
            }
        }
        return out.sorted { ($0.position, $0.from) < ($1.position, $1.from) }
    }
}

import DigitReader
import Foundation

/// The coarse search: scale and shift of the template's lines against the line profiles of a
/// small deskewed copy (`CoarseView`).
extension Registrar {
    struct Coarse {
        var transform: Homography; var score: Double; var skew: Double; var scale: Double
        /// A start good to a few percent only (from corner marks): search wider first.
        var wide = false
    }

    /// The best coarse fits at clearly different scales (a form's regular grid also matches at
    /// about half or double its size), best first.
    /// - Parameter quick: scales in steps of 0.02, the picks then tightened to 0.01 (half the
    ///   work; for ranking templates: the search runs for every template when a page is
    ///   identified). The full search is kept for the starts of a fit: on generated photos the
    ///   quick one lost 4 of 80 registrations.
    /// - Parameter straightened: the view is a sheet already set straight on its outline at the
    ///   template's size, so the form's scale is close to 1 (margins differ) and a grid match at
    ///   half its size is no candidate; the sheet's shape need not be the reference page's (a
    ///   scan cut taller than the reference), so across and down are scaled apart, within
    ///   `SheetScales.maximumRatio` of each other.
    /// - Parameter mergingCollinear: segments at the same position count as one line as long
    ///   as all of them (`rankingScore`).
    func coarseFits(_ view: CoarseView, count: Int, quick: Bool = false, straightened: Bool = false,
                    mergingCollinear: Bool = false) -> [Coarse] {
        let (k, cx, cy, t, bestAngle, py, px) = (view.k, view.cx, view.cy, view.t, view.bestAngle, view.py, view.px)
        let c = Double(coarseSide) / max(template.width, template.height)
        func lines(_ segments: [[Double]]) -> [(pos: Double, len: Double)] {
            let all = segments.map { (pos: $0[0] * c, len: abs($0[2] - $0[1]) * c) }
            guard mergingCollinear else { return all }
            var merged: [(pos: Double, len: Double)] = [], index: [Double: Int] = [:]
            for l in all {
                if let i = index[l.pos] { merged[i].len += l.len } else { index[l.pos] = merged.count; merged.append(l) }
            }
            return merged
        }
        let hLines = lines(template.lines.horizontal), vLines = lines(template.lines.vertical)
        let hTotal = hLines.reduce(0) { $0 + $1.len }, vTotal = vLines.reduce(0) { $0 + $1.len }
        // For a scale s, the best shift and the fraction of line length explained.
        let nonZeroY = py.indices.filter { py[$0] > 0 }, nonZeroX = px.indices.filter { px[$0] > 0 }
        func bestShift(_ lines: [(pos: Double, len: Double)], total: Double, profile p: [Double], nonZero: [Int], s: Double) -> (Double, Double) {
            var best = (-1.0, 0.0)
            let n = p.count
            let span = (lines.map(\.pos).max() ?? 0) * s
            let lo = -Int(span) - 10, hi = n + 10
            // Line positions and lengths at this scale, computed once for every shift.
            let at = lines.map { Int(($0.pos * s).rounded()) }
            let cap = lines.map { $0.len * s }
            // The profile is zero away from the page's lines: add each line's contribution only
            // at the shifts that put it on a non-zero bin, then take the best shift.
            var scores = [Double](repeating: 0, count: hi - lo)
            // The profile's non-zero bins as (bin, value) pairs; raw buffers in the hot loop
            // (lines x bins x scales: the largest part of ranking the templates of a page).
            let bins = nonZero.map { ($0, p[$0]) }
            scores.withUnsafeMutableBufferPointer { scores in
                bins.withUnsafeBufferPointer { bins in
                    guard let first = bins.first?.0, let last = bins.last?.0 else { return }
                    for j in 0..<at.count {
                        let off = at[j] + lo, capJ = cap[j]
                        if first - off >= 0 && last - off < scores.count {
                            // Every bin lands inside the scores (the usual case: lines lie on
                            // the page): no test per bin.
                            for (i, v) in bins { scores[i &- off] += min(v, capJ) }
                        } else {
                            for (i, v) in bins where i - off >= 0 && i - off < scores.count {
                                scores[i - off] += min(v, capJ)
                            }
                        }
                    }
                }
            }
            for k in 0..<scores.count where scores[k] > best.0 { best = (scores[k], Double(k + lo)) }
            return (best.0 / (total * s), best.1)
        }
        typealias Fit = (score: Double, s: Double, sx: Double, tx: Double, ty: Double)
        func fit(_ s: Double) -> Fit {
            let (sy, ty) = bestShift(hLines, total: hTotal, profile: py, nonZero: nonZeroY, s: s)
            let (sx, tx) = bestShift(vLines, total: vTotal, profile: px, nonZero: nonZeroX, s: s)
            return (0.6 * sy + 0.4 * sx, s, s, tx, ty)
        }
        var byScale: [Fit]
        if straightened {
            // Down (horizontal lines) and across (vertical lines) searched apart, then paired.
            let scales = stride(from: SheetScales.lowest, through: SheetScales.highest + 1e-9, by: 0.01).map { $0 }
            let down = scales.map { bestShift(hLines, total: hTotal, profile: py, nonZero: nonZeroY, s: $0) }
            let across = scales.map { bestShift(vLines, total: vTotal, profile: px, nonZero: nonZeroX, s: $0) }
            byScale = scales.indices.map { i in
                let j = scales.indices.filter { max(scales[$0], scales[i]) / min(scales[$0], scales[i]) <= SheetScales.maximumRatio }
                    .max { across[$0].0 < across[$1].0 }!
                return (0.6 * down[i].0 + 0.4 * across[j].0, scales[i], scales[j], across[j].1, down[i].1)
            }
        } else {
            // Scales 0.45…1.35 in steps of 0.01 (quick: 0.02, the picks then tightened to 0.01).
            byScale = quick ? (0...45).map { fit(0.45 + Double($0) * 0.02) } : (0...90).map { fit(0.45 + Double($0) * 0.01) }
        }
        var picked: [Fit] = []
        for cand in byScale.sorted(by: { $0.score > $1.score }) where picked.count < count {
            if picked.allSatisfy({ abs($0.s - cand.s) / $0.s > (straightened ? 0.05 : 0.15) }) { picked.append(cand) }
        }
        if quick { picked = picked.map { p in [fit(p.s - 0.01), p, fit(p.s + 0.01)].max { $0.score < $1.score }! } }
        // template -> deskewed coarse: (s c x + tx, s c y + ty); deskewed -> coarse: invert
        // x' = x + t y - t cy, y' = -t x + y + t cx.
        let d = Homography([1, t, -t * cy, -t, 1, t * cx, 0, 0, 1])
        let down = Homography([1 / k, 0, 0, 0, 1 / k, 0, 0, 0, 1])
        return picked.map { best in
            let a1 = Homography([best.sx * c, 0, best.tx, 0, best.s * c, best.ty, 0, 0, 1])
            let h = down.composed(after: d.inverse.composed(after: a1))
            return Coarse(transform: h, score: best.score, skew: bestAngle * 180 / .pi, scale: best.s * c / k)
        }
    }
}

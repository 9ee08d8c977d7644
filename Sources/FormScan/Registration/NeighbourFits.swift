import DigitReader
import Foundation

/// The fits one box (or one row) away from a fit: a form's boxes repeat, so a fit one box off
/// still finds many lines; a clearly better neighbour replaces the fit, an equal one refuses it.
extension Registrar {
    /// A form's boxes repeat at a fixed pitch, so a fit one box off along a row or a column
    /// still finds many lines, and every box then reads its neighbour's digit. Compares the
    /// fit with the fits one pitch away in each direction: a clearly better neighbour replaces
    /// it; one about as good makes the page ambiguous, and the fit is refused (coverage set
    /// just under the minimum) rather than read. Where the numbers stand in a column at a
    /// pitch of their own (a plano sheet's rows, each as tall as several boxes), the fits one
    /// row up and down are neighbours too.
    func settled(_ fit: Registration, in image: GrayImage) -> Registration {
        var current = fit
        let pitch = self.pitch
        var steps = [(pitch.x, 0.0), (-pitch.x, 0.0), (0.0, pitch.y), (0.0, -pitch.y)]
        if let row = rowPitch { steps += [(0.0, row), (0.0, -row)] }
        for _ in 0..<4 {
            var better: Registration?
            for (dx, dy) in steps where dx != 0 || dy != 0 {
                let shifted = current.transform.composed(after: Homography([1, 0, dx, 0, 1, dy, 0, 0, 1]))
                // A first look with every fourth sample: a neighbour that clearly explains fewer
                // lines (the usual case) needs no full measurement.
                if let glance = refine(image, shifted, radius: 4 * max(1, current.scale), final: true, every: 4),
                   glance.2 < current.coverage - Self.neighbourGlanceMargin { continue }
                guard let n = refine(image, shifted, radius: 4 * max(1, current.scale), final: true),
                      Self.boxDistance(n.0, current.transform, template: template) > 0.5 * min(pitch.x, pitch.y) else { continue }
                if n.2 > current.coverage + 0.05 {
                    if better == nil || n.2 > better!.coverage {
                        var b = current
                        (b.transform, b.residual, b.coverage) = (n.0, n.1 / max(current.scale, 1e-6), n.2)
                        better = b
                    }
                } else if n.2 >= current.coverage - 0.03 {
                    return current.refused
                }
            }
            guard let better else { return current }
            current = better
        }
        return current.refused
    }

    /// A neighbour fit whose coverage on every fourth sample is this far below the fit's is not
    /// measured in full: on 878 neighbour fits of the sample scans, generated pages and photos
    /// the two estimates differed by at most 0.08 (every other sample: 0.05), and a neighbour
    /// counts from 0.03 below the fit.
    static let neighbourGlanceMargin = 0.15

    /// The template's box pitch (template pixels): median step between boxes of a number, and
    /// median box height.
    var pitch: (x: Double, y: Double) {
        var steps: [Double] = [], heights: [Double] = []
        for f in template.fields {
            for i in f.boxes.indices {
                heights.append(f.boxes[i][3])
                if i > 0 { steps.append(f.boxes[i][0] - f.boxes[i - 1][0]) }
            }
        }
        steps.sort(); heights.sort()
        return (steps.isEmpty ? 0 : steps[steps.count / 2], heights.isEmpty ? 0 : heights[heights.count / 2])
    }

    /// The step between numbers stacked in one column (template pixels): the median step down
    /// between numbers whose first boxes share a column, when at least three numbers do and
    /// the step is clearly more than a box's height (nil otherwise: rows that touch are
    /// covered by the box pitch). The DPR plano sheet's ten candidate rows repeat every 104 px
    /// with boxes 41 px tall: a fit one row off finds 80% of the lines.
    var rowPitch: Double? {
        var columns: [Int: [Double]] = [:]
        for f in template.fields { if let b = f.boxes.first { columns[Int((b[0] / 4).rounded()), default: []].append(b[1]) } }
        var steps: [Double] = []
        for (_, tops) in columns where tops.count >= 3 {
            let sorted = tops.sorted()
            steps += zip(sorted, sorted.dropFirst()).map { $1 - $0 }
        }
        guard !steps.isEmpty else { return nil }
        steps.sort()
        let step = steps[steps.count / 2]
        return step > 1.5 * pitch.y ? step : nil
    }

    /// Largest distance (template pixels) between where two fits put the template's boxes.
    static func boxDistance(_ a: Homography, _ b: Homography, template: Template) -> Double {
        let inv = b.inverse
        var worst = 0.0
        for f in template.fields { for box in f.boxes {
            let q = a.apply(box[0] + box[2] / 2, box[1] + box[3] / 2)
            let p = inv.apply(q.x, q.y)
            worst = max(worst, ((p.x - box[0] - box[2] / 2) * (p.x - box[0] - box[2] / 2) + (p.y - box[1] - box[3] / 2) * (p.y - box[1] - box[3] / 2)).squareRoot())
        } }
        return worst
    }
}

import DigitReader
import Foundation

/// One pass of the fine fit: every line sample measured along its normal near where the fit
/// puts it, and a homography fitted to the measurements.
extension Registrar {
    /// One round: measure every line sample near its predicted place, fit a homography to the
    /// measurements (outliers dropped), return it with the RMS residual (image px) and coverage.
    /// - Parameter every: measure every n-th sample along the lines (a pass that only has to
    ///   bring the fit within reach of the next, or a first look at a fit).
    func refine(_ image: GrayImage, _ h: Homography, radius: Double, final: Bool, every: Int = 1, perspective: Bool = false) -> (Homography, Double, Double)? {
        // A wide search only has to bring the fit within reach of the narrow ones: half the
        // samples do (the search cost grows with the radius).
        let step = Double(radius > 20 ? max(2, every) : every) * sampleStep
        struct Sample { var tx: Double; var ty: Double; var nx: Double; var ny: Double; var qx: Double; var qy: Double; var horizontal: Bool; var contrast: Double
            /// On a perspective line: shapes the fit, not counted in the coverage.
            var extra = false }
        var samples: [Sample] = []
        var total = 0, totalH = 0
        // One profile buffer and one for its median, reused by every sample of this pass.
        let r = Int(radius.rounded(.up))
        let darkness = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * r + 1)
        let sorted = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * r + 1)
        defer { darkness.deallocate(); sorted.deallocate() }
        image.withSampler { image in
        func measure(_ tx: Double, _ ty: Double, horizontal: Bool, extra: Bool = false) {
            if !extra {
                total += 1
                if horizontal { totalH += 1 }
            }
            let p = h.apply(tx, ty)
            let along = horizontal ? h.apply(tx + 1, ty) : h.apply(tx, ty + 1)
            var ux = along.x - p.x, uy = along.y - p.y
            let ul = (ux * ux + uy * uy).squareRoot()
            guard ul > 1e-9 else { return }
            ux /= ul; uy /= ul
            let nx = -uy, ny = ux
            // The profile's samples lie in the parallelogram spanned by its four corners: when
            // that is well inside the image (the usual case), sample without edge tests.
            let reach = Double(r), right = Double(image.width - 2), bottom = Double(image.height - 2)
            func within(_ o: Double, _ u: Double) -> Bool {
                let x = p.x + o * nx + u * ux, y = p.y + o * ny + u * uy
                return x >= 1 && y >= 1 && x < right && y < bottom
            }
            let inside = within(-reach, -3) && within(-reach, 3) && within(reach, -3) && within(reach, 3)
            for o in -r...r {
                var sum = 0.0
                for u in -3...3 {
                    let x = p.x + Double(o) * nx + Double(u) * ux, y = p.y + Double(o) * ny + Double(u) * uy
                    sum += 255 - (inside ? image.sampleInside(x: x, y: y) : image.sample(x: x, y: y))
                }
                darkness[o + r] = sum / 7
            }
            var bi = 0
            for i in darkness.indices where darkness[i] > darkness[bi] { bi = i }
            // The median (insertion sort: a few dozen values).
            for i in 0..<darkness.count {
                let v = darkness[i]
                var j = i
                while j > 0 && sorted[j - 1] > v { sorted[j] = sorted[j - 1]; j -= 1 }
                sorted[j] = v
            }
            let background = sorted[sorted.count / 2]
            guard darkness[bi] - background > 12, bi > 0, bi < darkness.count - 1 else { return }
            // sub-pixel peak
            let l = darkness[bi - 1], c = darkness[bi], rr = darkness[bi + 1]
            let den = l - 2 * c + rr
            let off = Double(bi - r) + (abs(den) > 1e-9 ? 0.5 * (l - rr) / den : 0)
            samples.append(Sample(tx: tx, ty: ty, nx: nx, ny: ny, qx: p.x + off * nx, qy: p.y + off * ny, horizontal: horizontal,
                                  contrast: darkness[bi] - background, extra: extra))
        }
        let extra = perspective ? template.perspectiveLines : nil
        for (lines, isExtra) in [(template.lines.horizontal, false), (extra?.horizontal ?? [], true)] {
            for l in lines {
                let (y, x0, x1) = (l[0], min(l[1], l[2]), max(l[1], l[2]))
                var x = x0 + 6
                while x <= x1 - 6 { measure(x, y, horizontal: true, extra: isExtra); x += step }
            }
        }
        for (lines, isExtra) in [(template.lines.vertical, false), (extra?.vertical ?? [], true)] {
            for l in lines {
                let (x, y0, y1) = (l[0], min(l[1], l[2]), max(l[1], l[2]))
                var y = y0 + 6
                while y <= y1 - 6 { measure(x, y, horizontal: false, extra: isExtra); y += step }
            }
        }
        }
        // A line counts when it stands out from the paper by a good part of what the clearest
        // lines do (45 grey levels on a scan; less on a soft photo of a screen), never less than 12.
        // Horizontal and vertical lines each against their own kind: a photo blurred one way (a
        // shaken hand, a screen's rows) softens one kind of line only.
        var threshold: [Bool: Double] = [:]
        for horizontal in [true, false] {
            let contrasts = samples.filter { $0.horizontal == horizontal }.map(\.contrast).sorted()
            guard !contrasts.isEmpty else { continue }
            let strong = contrasts[min(contrasts.count - 1, Int(Double(contrasts.count) * 0.9))]
            threshold[horizontal] = min(45, max(12, 0.2 * strong))
        }
        samples.removeAll { $0.contrast <= threshold[$0.horizontal]! }
        guard samples.count >= 12, total > 0 else { return nil }
        // Normalised coordinates for a well-conditioned system.
        let sT = 1.0 / max(template.width, template.height)
        let sI = 1.0 / Double(max(image.width, image.height))
        var inliers = samples
        var fitted = h
        var rms = Double.infinity
        for _ in 0..<4 {
            var ata = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 8)
            var atb = [Double](repeating: 0, count: 8)
            for s in inliers {
                let x = s.tx * sT, y = s.ty * sT
                let nq = s.nx * s.qx * sI + s.ny * s.qy * sI
                let row = [s.nx * x, s.nx * y, s.nx, s.ny * x, s.ny * y, s.ny, -nq * x, -nq * y]
                for i in 0..<8 {
                    atb[i] += row[i] * nq
                    for j in 0..<8 { ata[i][j] += row[i] * row[j] }
                }
            }
            guard let p = LinearSolver.solve(ata, atb) else { return nil }
            let hn = Homography([p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], 1])
            // back to pixel frames: H = S_I^-1 * Hn * S_T
            let sTm = Homography([sT, 0, 0, 0, sT, 0, 0, 0, 1])
            let sIinv = Homography([1 / sI, 0, 0, 0, 1 / sI, 0, 0, 0, 1])
            fitted = sIinv.composed(after: hn.composed(after: sTm))
            func residual(_ s: Sample) -> Double {
                let p = fitted.apply(s.tx, s.ty)
                return abs((p.x - s.qx) * s.nx + (p.y - s.qy) * s.ny)
            }
            let res = inliers.map(residual)
            rms = (res.reduce(0) { $0 + $1 * $1 } / Double(max(1, res.count))).squareRoot()
            let sortedRes = res.sorted()
            let cut = max(1.5, 3 * sortedRes[sortedRes.count / 2])
            let kept = inliers.filter { residual($0) <= cut }
            if kept.count == inliers.count || kept.count < 12 { break }
            inliers = kept
        }
        // Coverage: the smaller of the horizontal and vertical fractions of samples consistent
        // with the fit, so that a page sharing only the long horizontal rules does not pass;
        // over the template's lines alone, so that every threshold keeps its meaning.
        let agreeing = samples.filter { s in
            guard !s.extra else { return false }
            let p = fitted.apply(s.tx, s.ty)
            return abs((p.x - s.qx) * s.nx + (p.y - s.qy) * s.ny) <= 2.5
        }
        let agreeH = agreeing.filter(\.horizontal).count, agreeV = agreeing.count - agreeH
        let covH = Double(agreeH) / Double(max(1, totalH)), covV = Double(agreeV) / Double(max(1, total - totalH))
        return (fitted, rms, min(covH, covV))
    }
}

import DigitReader
import Foundation

/// Finds the template's corner marks near where a rough transform (the sheet's outline) puts
/// them, and turns the marks found into a transform good to a few pixels: the step between the
/// outline, which can be off by a few percent of the page, and the ruled-line fit, which only
/// looks a few pixels around each line.
enum MarkFinder {
    /// Mark centres in template pixels and where they were found in the image.
    struct Found { var template: (x: Double, y: Double); var image: (x: Double, y: Double) }

    /// A transform from the marks found near their predicted places, or nil when fewer than
    /// three were found (then the rough transform is all there is).
    /// `sheet`: the sheet's outline in the image, when known; what lies outside it is background
    /// and is ignored (a mark near the paper's edge would otherwise join a dark table).
    static func refine(_ image: GrayImage, template: Template, rough: Homography, sheet: [(x: Double, y: Double)]? = nil) -> Homography? {
        let found = find(image, template: template, rough: rough, sheet: sheet)
        if found.count >= 4 { return fitted(found) }
        guard found.count == 3 else { return nil }
        // Three marks: correct the rough transform by the affine map that moves its predictions
        // of those three onto what was found, then look for the fourth again, closer and with
        // looser shape limits (a blurred corner).
        let predicted = found.map { rough.apply($0.template.x, $0.template.y) }
        guard let a = affine(from: predicted.map { ($0.x, $0.y) }, to: found.map { ($0.image.x, $0.image.y) }) else { return nil }
        let corrected = a.composed(after: rough)
        let fourth = find(image, template: template, rough: corrected, loose: true, sheet: sheet)
        if fourth.count >= 4 { return fitted(fourth) }
        return corrected
    }

    /// `loose`: the rough transform is already good to a mark's size; look closer, accept
    /// softer shapes.
    static func find(_ image: GrayImage, template: Template, rough: Homography, loose: Bool = false,
                     sheet: [(x: Double, y: Double)]? = nil) -> [Found] {
        let fill = template.markFill ?? 1
        let corners = [(0.0, 0.0), (template.width, template.height)].map { rough.apply($0.0, $0.1) }
        let diagonal = ((corners[0].x - corners[1].x) * (corners[0].x - corners[1].x) + (corners[0].y - corners[1].y) * (corners[0].y - corners[1].y)).squareRoot()
        var out: [Found] = []
        for m in template.marks where m.count == 4 {
            let (mx, my, mw, mh) = (m[0], m[1], m[2], m[3])
            let centre = (x: mx + mw / 2, y: my + mh / 2)
            let p = rough.apply(centre.x, centre.y)
            let imageScale = rough.scale(near: centre.x, centre.y)
            let size = max(mw, mh) * imageScale
            let radius = loose ? 2 * size : max(3 * size, 0.06 * diagonal)
            let x0 = max(0, Int(p.x - radius)), y0 = max(0, Int(p.y - radius))
            let x1 = min(image.width, Int(p.x + radius)), y1 = min(image.height, Int(p.y + radius))
            guard x1 - x0 > 4, y1 - y0 > 4 else { continue }
            // Searched at about 12 px per mark side: the line fit that follows does the fine work.
            let f = max(1, Int(min(mw, mh) * imageScale / 12))
            let cut = image.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            var window = f == 1 ? cut : cut.resized(width: max(1, cut.width / f), height: max(1, cut.height / f))
            let (sx, sy) = (Double(cut.width) / Double(window.width), Double(cut.height) / Double(window.height))
            // The pixels the thresholds are taken from: the sheet's alone when its outline is
            // known (a window half off the sheet would otherwise count the blanked background as
            // paper, and on a dim photo every pixel of the sheet falls under the split).
            var onSheet = window.pixels
            if let sheet, sheet.count == 4 {
                onSheet.removeAll(keepingCapacity: true)
                for wy in 0..<window.height { for wx in 0..<window.width {
                    let q = (x: Double(x0) + (Double(wx) + 0.5) * sx, y: Double(y0) + (Double(wy) + 0.5) * sy)
                    if Quad.contains(q, sheet) { onSheet.append(window.pixels[wy * window.width + wx]) } else { window.pixels[wy * window.width + wx] = 255 }
                } }
                if onSheet.isEmpty { continue }
            }
            let local = imageScale / Double(f)
            // The mark as the rough transform draws it, in window pixels: turned or in
            // perspective, a square's bounding box is larger than the square (twice at 45°).
            let drawn = [(mx, my), (mx + mw, my), (mx + mw, my + mh), (mx, my + mh)].map { rough.apply($0.0, $0.1) }
            let (ebw, ebh) = ((drawn.map(\.x).max()! - drawn.map(\.x).min()!) / Double(f), (drawn.map(\.y).max()! - drawn.map(\.y).min()!) / Double(f))
            let expectedArea = Quad.area(drawn) / Double(f * f) * fill
            let expectedFill = expectedArea / max(1, ebw * ebh)
            var best: (distance: Double, x: Double, y: Double)?
            // Between ink and paper: Otsu's split (capped), and a darker cut for a mark close to
            // a dark background across a shaded margin, where the split joins the two.
            var histogram = [Int](repeating: 0, count: 256)
            for v in onSheet { histogram[Int(v)] += 1 }
            func percentile(_ q: Double) -> Double {
                var seen = 0
                let target = Int(Double(onSheet.count) * q)
                for (v, n) in histogram.enumerated() { seen += n; if seen > target { return Double(v) } }
                return 255
            }
            let (ink, paper) = (percentile(0.02), percentile(0.9))
            let thresholds = [min(PageOutline.otsu(onSheet), 150), UInt8(max(1, min(254, ink + 0.4 * (paper - ink))))]
            var pieces: [Blob] = []
            for threshold in Set(thresholds) {
                // A stepped mark whose two squares meet only at a blurred corner comes apart at
                // the threshold: join pieces lying within a sixth of a mark of each other.
                var found = blobs(window, darkerThan: threshold).filter { $0.count >= 4 }
                if fill < 1 { found = merged(found, gap: max(2, Int(max(mw, mh) * local / 6)), limit: Int(1.7 * max(mw, mh) * local)) }
                pieces += found
            }
            for blob in pieces {
                let bw = Double(blob.maxX - blob.minX + 1), bh = Double(blob.maxY - blob.minY + 1)
                let area = Double(blob.count)
                let (lo, hi) = loose ? (0.4, 2.0) : (0.55, 1.7)
                guard area > 0.4 * expectedArea, area < (loose ? 3 : 2.2) * expectedArea,
                      bw > lo * ebw, bw < hi * ebw, bh > lo * ebh, bh < hi * ebh,
                      area / (bw * bh) > 0.6 * expectedFill,
                      area / (bw * bh) < (expectedFill >= 0.9 || loose ? 1.01 : max(0.85, 1.35 * expectedFill)) else { continue }
                // The centre of the mark's box (a stepped mark's ink centroid is its box centre too).
                let cx = Double(x0) + (Double(blob.minX + blob.maxX) / 2 + 0.5) * sx
                let cy = Double(y0) + (Double(blob.minY + blob.maxY) / 2 + 0.5) * sy
                let d = ((cx - p.x) * (cx - p.x) + (cy - p.y) * (cy - p.y)).squareRoot()
                if best == nil || d < best!.distance { best = (d, cx, cy) }
            }
            if let best { out.append(Found(template: centre, image: (best.x, best.y))) }
        }
        return out
    }

    struct Blob { var count = 0, minX = Int.max, minY = Int.max, maxX = -1, maxY = -1 }

    /// 8-connected regions of pixels darker than the threshold.
    static func blobs(_ image: GrayImage, darkerThan threshold: UInt8) -> [Blob] {
        let w = image.width, h = image.height
        var seen = [Bool](repeating: false, count: w * h)
        var out: [Blob] = []
        var stack: [Int] = []
        for start in 0..<(w * h) where !seen[start] && image.pixels[start] < threshold {
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
                    if !seen[j] && image.pixels[j] < threshold { seen[j] = true; stack.append(j) }
                } }
            }
            out.append(b)
        }
        return out
    }

    /// Joins blobs whose boxes come within `gap` pixels, as long as the joined box stays
    /// within `limit` pixels on each side.
    static func merged(_ blobs: [Blob], gap: Int, limit: Int) -> [Blob] {
        var out = blobs
        var changed = true
        while changed {
            changed = false
            search: for i in out.indices {
                for j in out.indices where j > i {
                    let (a, b) = (out[i], out[j])
                    guard a.minX - gap <= b.maxX, b.minX - gap <= a.maxX, a.minY - gap <= b.maxY, b.minY - gap <= a.maxY else { continue }
                    let joined = Blob(count: a.count + b.count, minX: min(a.minX, b.minX), minY: min(a.minY, b.minY),
                                      maxX: max(a.maxX, b.maxX), maxY: max(a.maxY, b.maxY))
                    guard joined.maxX - joined.minX < limit, joined.maxY - joined.minY < limit else { continue }
                    out[i] = joined
                    out.remove(at: j)
                    changed = true
                    break search
                }
            }
        }
        return out
    }

    static func affine(from src: [(Double, Double)], to dst: [(Double, Double)]) -> Homography? {
        var a: [[Double]] = [], b: [Double] = []
        for ((x, y), (u, v)) in zip(src, dst) {
            a.append([x, y, 1, 0, 0, 0]); b.append(u)
            a.append([0, 0, 0, x, y, 1]); b.append(v)
        }
        guard let p = LinearSolver.solve(a, b) else { return nil }
        return Homography([p[0], p[1], p[2], p[3], p[4], p[5], 0, 0, 1])
    }

    /// The homography through four or more marks found.
    static func fitted(_ found: [Found]) -> Homography? {
        Homography.fitted(from: found.map(\.template), to: found.map(\.image))
    }
}

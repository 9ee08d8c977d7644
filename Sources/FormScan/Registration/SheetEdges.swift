import DigitReader
import Foundation

/// The sheet as four straight edges, where thresholding brightness fails: a shadow across the
/// sheet splits it at every cut, and a bright object beside it joins it. A sheet's sides are
/// long straight edges, brighter inside than out, whatever the light; so edges vote for lines
/// (a Hough transform over the gradient's direction), lines pair up into opposite sides, and
/// the quadrilateral whose sides are best backed by such edges wins.
enum SheetEdges {
    /// Lines kept from the vote.
    static let lineCount = 20

    /// Quadrilaterals (corners in the small image's pixels) with the share of their perimeter
    /// backed by inward-facing edges, best first; at most `limit`, clearly different ones.
    static func quads(_ small: GrayImage, limit: Int = 2) -> [(corners: [(Double, Double)], support: Double)] {
        let w = small.width, h = small.height
        guard w >= 16, h >= 16 else { return [] }
        let (gx, gy, mag) = gradients(small)
        let diag = Int((Double(w * w + h * h)).squareRoot()) + 1
        let rhoCount = 2 * diag + 1
        var votes = [Float](repeating: 0, count: 180 * rhoCount)
        let cosT = (0..<180).map { cos(Double($0) * .pi / 180) }, sinT = (0..<180).map { sin(Double($0) * .pi / 180) }
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                guard mag[i] >= threshold else { continue }
                var deg = Int((atan2(Double(gy[i]), Double(gx[i])) * 180 / .pi).rounded())
                deg = ((deg % 180) + 180) % 180
                let weight = min(mag[i], 4 * threshold)
                for dt in -2...2 {
                    let t = (deg + dt + 180) % 180
                    let rho = Int((Double(x) * cosT[t] + Double(y) * sinT[t]).rounded()) + diag
                    votes[t * rhoCount + rho] += weight
                }
            }
        }
        // The strongest lines, each a local maximum over ±3° and ±6 px.
        var peaks: [(t: Int, rho: Int, v: Float)] = []
        for t in 0..<180 {
            for r in 0..<rhoCount {
                let v = votes[t * rhoCount + r]
                guard v > 40 * threshold else { continue }
                var isMax = true
                check: for dt in -3...3 {
                    let tt = t + dt
                    guard tt >= 0, tt < 180 else { continue }
                    for dr in -6...6 where dt != 0 || dr != 0 {
                        let rr = r + dr
                        guard rr >= 0, rr < rhoCount else { continue }
                        let u = votes[tt * rhoCount + rr]
                        if u > v || (u == v && (dt, dr) < (0, 0)) { isMax = false; break check }
                    }
                }
                if isMax { peaks.append((t, r - diag, v)) }
            }
        }
        peaks.sort { $0.v > $1.v }
        let lines = peaks.prefix(lineCount).map { (nx: cosT[$0.t], ny: sinT[$0.t], rho: Double($0.rho), deg: Double($0.t)) }
        // Opposite sides: within 35° of each other (perspective), a fifth of the image apart.
        func angleGap(_ a: Double, _ b: Double) -> Double { let d = abs(a - b).truncatingRemainder(dividingBy: 180); return min(d, 180 - d) }
        let cx = Double(w) / 2, cy = Double(h) / 2
        var pairs: [(Int, Int, Double)] = []
        for i in lines.indices {
            for j in lines.indices where j > i && angleGap(lines[i].deg, lines[j].deg) < 35 {
                // Distance between the lines measured at the image centre along the first's normal.
                let di = lines[i].rho - (cx * lines[i].nx + cy * lines[i].ny)
                let dj = lines[j].rho - (cx * lines[j].nx + cy * lines[j].ny)
                let sameWay = lines[i].nx * lines[j].nx + lines[i].ny * lines[j].ny > 0
                let gap = abs(di - (sameWay ? dj : -dj))
                guard gap > 0.2 * Double(min(w, h)) else { continue }
                // Mean direction of the pair (mod 180).
                var m = (lines[i].deg + lines[j].deg) / 2
                if abs(lines[i].deg - lines[j].deg) > 90 { m = (m + 90).truncatingRemainder(dividingBy: 180) }
                pairs.append((i, j, m))
            }
        }
        func meet(_ a: Int, _ b: Int) -> (Double, Double)? {
            let (l1, l2) = (lines[a], lines[b])
            let den = l1.nx * l2.ny - l1.ny * l2.nx
            guard abs(den) > 1e-6 else { return nil }
            return ((l1.rho * l2.ny - l2.rho * l1.ny) / den, (l2.rho * l1.nx - l1.rho * l2.nx) / den)
        }
        let frame = Double(w * h)
        var found: [(corners: [(Double, Double)], support: Double, backed: Double)] = []
        for p in pairs.indices {
            for q in pairs.indices where q > p && angleGap(pairs[p].2, pairs[q].2) > 50 {
                let (a, b) = (pairs[p].0, pairs[p].1), (c, d) = (pairs[q].0, pairs[q].1)
                guard let c1 = meet(a, c), let c2 = meet(c, b), let c3 = meet(b, d), let c4 = meet(d, a) else { continue }
                var corners = [c1, c2, c3, c4]
                // Corners may lie a little outside the photo (a sheet cut by the frame), not far.
                guard corners.allSatisfy({ $0.0 > -0.1 * Double(w) && $0.0 < 1.1 * Double(w) && $0.1 > -0.1 * Double(h) && $0.1 < 1.1 * Double(h) }) else { continue }
                let mx = corners.map(\.0).reduce(0, +) / 4, my = corners.map(\.1).reduce(0, +) / 4
                corners.sort { atan2($0.1 - my, $0.0 - mx) < atan2($1.1 - my, $1.0 - mx) }
                let area = Quad.area(corners.map { (x: $0.0, y: $0.1) })
                guard area > 0.08 * frame, area < 0.97 * frame, isConvex(corners) else { continue }
                var backed = 0.0, perimeter = 0.0, weakest = 1.0
                for s in 0..<4 {
                    let (from, to) = (corners[s], corners[(s + 1) % 4])
                    let side = support(from, to, centre: (mx, my), gx: gx, gy: gy, mag: mag, w: w, h: h, threshold: threshold)
                    backed += side.backed; perimeter += side.length
                    weakest = min(weakest, side.backed / max(1, side.length))
                }
                // Every side must be a sheet's side over a good part of its length.
                guard weakest >= 0.3 else { continue }
                found.append((corners, backed / max(1, perimeter), backed))
            }
        }
        // Most backed perimeter first: the sheet is the largest clean outline in the photo (an
        // object beside it is smaller; the form's printed frame lies inside it).
        found.sort { $0.backed > $1.backed }
        var out: [(corners: [(Double, Double)], support: Double)] = []
        for f in found where out.count < limit {
            if out.allSatisfy({ PageOutline.differs($0.corners, f.corners, by: 0.03 * Double(max(w, h))) }) { out.append((f.corners, f.support)) }
        }
        return out
    }

    /// An edge: a step of about 6 grey levels or more (Sobel sums four times the step).
    static let threshold: Float = 24

    /// Sobel gradients (x, y, magnitude) of a smoothed copy (two 3x3 box passes).
    static func gradients(_ small: GrayImage) -> (gx: [Float], gy: [Float], mag: [Float]) {
        let w = small.width, h = small.height
        var f = small.pixels.map(Float.init)
        for _ in 0..<2 { f = boxBlur(f, w, h) }
        var gx = [Float](repeating: 0, count: w * h), gy = gx, mag = gx
        guard w >= 3, h >= 3 else { return (gx, gy, mag) }
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                let a = f[i - w - 1], b = f[i - w], c = f[i - w + 1], d = f[i - 1], e = f[i + 1], g = f[i + w - 1], k = f[i + w], l = f[i + w + 1]
                let sx = (c + 2 * e + l) - (a + 2 * d + g), sy = (g + 2 * k + l) - (a + 2 * b + c)
                gx[i] = sx; gy[i] = sy; mag[i] = (sx * sx + sy * sy).squareRoot()
            }
        }
        return (gx, gy, mag)
    }

    /// The share of each side of a quadrilateral (corners in the small image's pixels, in order)
    /// backed by an inward-facing edge: a side that is the sheet's edge is backed nearly all
    /// along; one that is the photo's edge (a sheet cut by the frame) hardly at all.
    static func sideSupport(_ small: GrayImage, corners: [(Double, Double)]) -> [Double] {
        let (gx, gy, mag) = gradients(small)
        let mx = corners.map(\.0).reduce(0, +) / Double(corners.count), my = corners.map(\.1).reduce(0, +) / Double(corners.count)
        return corners.indices.map { s in
            let side = support(corners[s], corners[(s + 1) % corners.count], centre: (mx, my), gx: gx, gy: gy, mag: mag,
                               w: small.width, h: small.height, threshold: threshold)
            return side.backed / max(1, side.length)
        }
    }

    /// Length of the side and how much of it (pixels) has an edge within 1 px whose gradient
    /// points inward (brighter inside the sheet).
    static func support(_ a: (Double, Double), _ b: (Double, Double), centre: (Double, Double),
                        gx: [Float], gy: [Float], mag: [Float], w: Int, h: Int, threshold: Float) -> (length: Double, backed: Double) {
        let len = hypot(b.0 - a.0, b.1 - a.1)
        guard len > 1 else { return (0, 0) }
        let ux = (b.0 - a.0) / len, uy = (b.1 - a.1) / len
        var nx = -uy, ny = ux
        let mid = ((a.0 + b.0) / 2, (a.1 + b.1) / 2)
        if (centre.0 - mid.0) * nx + (centre.1 - mid.1) * ny < 0 { nx = -nx; ny = -ny }
        var backed = 0.0
        let steps = Int(len)
        for k in 0...steps {
            let px = a.0 + Double(k) * ux, py = a.1 + Double(k) * uy
            for o in -1...1 {
                let x = Int((px + Double(o) * nx).rounded()), y = Int((py + Double(o) * ny).rounded())
                guard x > 0, y > 0, x < w - 1, y < h - 1 else { continue }
                let i = y * w + x
                guard mag[i] >= threshold else { continue }
                if Double(gx[i]) * nx + Double(gy[i]) * ny > 0.8 * Double(mag[i]) { backed += 1; break }
            }
        }
        return (Double(steps + 1), backed)
    }

    static func isConvex(_ c: [(Double, Double)]) -> Bool {
        var sign = 0.0
        for i in 0..<4 {
            let a = c[i], b = c[(i + 1) % 4], d = c[(i + 2) % 4]
            let cross = (b.0 - a.0) * (d.1 - b.1) - (b.1 - a.1) * (d.0 - b.0)
            if cross == 0 { return false }
            if sign == 0 { sign = cross } else if (cross > 0) != (sign > 0) { return false }
        }
        return true
    }

    static func boxBlur(_ f: [Float], _ w: Int, _ h: Int) -> [Float] {
        var out = f
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                out[i] = (f[i - w - 1] + f[i - w] + f[i - w + 1] + f[i - 1] + f[i] + f[i + 1] + f[i + w - 1] + f[i + w] + f[i + w + 1]) / 9
            }
        }
        return out
    }
}

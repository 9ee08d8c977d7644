import DigitReader
import Foundation

/// The sheet of paper in a photo: the largest bright region of a small copy, reduced to the
/// four corners of the largest quadrilateral inside its convex hull. Gives registration a start
/// that already holds the perspective and any rotation, where the ruled-line search (which
/// assumes a nearly straight page) finds nothing.
struct PageOutline {
    /// Corners in image pixels, clockwise in image coordinates (y down), in no particular
    /// starting order.
    var corners: [(x: Double, y: Double)]
    /// Fraction of the image the quadrilateral covers.
    var areaFraction: Double

    /// Long side of the working copy.
    static let side = 360

    init?(_ image: GrayImage) {
        let k = Double(Self.side) / Double(max(image.width, image.height))
        guard k < 1 else { return nil }
        let w = max(8, Int(Double(image.width) * k)), h = max(8, Int(Double(image.height) * k))
        let small = image.resized(width: w, height: h)
        // The paper is the brightest large thing; a bright background (stripes of a wooden
        // table, a lit cloth) can join it at the threshold that splits dark from light, so
        // higher thresholds are tried too, and lower ones for a sheet partly in shadow. The
        // region that best fills its quadrilateral wins.
        let otsu = Double(Self.otsu(small.pixels))
        let n = small.pixels.count
        let bright = Double(Self.rankValue(small.pixels, n * 97 / 100)), dark = Double(Self.rankValue(small.pixels, n / 10))
        // A scan, or a photo cropped to the page: paper all round the border even at the
        // highest cut, so every cut's sheet would touch the frame (and be refused below); the
        // six cuts are not made.
        if Self.paperAllRound(small, level: otsu + 3 * (bright - otsu) / 5) { return nil }
        var found: [(corners: [(Double, Double)], area: Double, solidity: Double)] = []
        // Lower cuts last: a sheet half in shadow is darker than the split on its shaded side
        // (but a low cut can also join a grey screen bezel to a sheet shown on it).
        for step in [0, 1, 2, 3, -1, -2] {
            let t = UInt8(max(0, min(254, step >= 0 ? otsu + Double(step) * (bright - otsu) / 5 : otsu + Double(step) * (otsu - dark) / 5)))
            guard let c = Self.sheet(small, width: w, height: h, threshold: t), c.solidity >= 0.85 else { continue }
            // Keep outlines that differ (by more than 2% of the image at some corner).
            let differs = found.allSatisfy { f in zip(f.corners, c.corners).contains { hypot($0.0 - $1.0, $0.1 - $1.1) > 0.02 * Double(max(w, h)) } }
            if differs { found.append(c) }
        }
        // The cleanest first: the one that fills its quadrilateral best, the Otsu cut on ties.
        found.sort { $0.solidity > $1.solidity + 0.02 }
        (self.small, self.k) = (small, k)
        if let best = found.first {
            corners = best.corners.map { (x: $0.0 / k, y: $0.1 / k) }
            areaFraction = best.area
            otherOutlines = found.dropFirst().prefix(2).map { $0.corners }
            edgeOnly = false
            return
        }
        // No cut gives a clean region (stripes as bright as the sheet join it at every cut, a
        // shadow splits it): the sheet's straight edges alone, when all four sides are edges
        // nearly all along.
        let edges = SheetEdges.quads(small, limit: 4).filter { $0.support >= Self.edgeOnlySupport }
        guard let best = edges.first else { return nil }
        corners = best.corners.map { (x: $0.0 / k, y: $0.1 / k) }
        areaFraction = Quad.area(best.corners.map { (x: $0.0, y: $0.1) }) / Double(w * h)
        otherOutlines = edges.dropFirst().map(\.corners)
        edgeOnly = true
    }

    /// Share of the perimeter an outline found from edges alone must have backed by the sheet's
    /// edge (the generated photos' sheets on striped backgrounds: 0.99).
    static let edgeOnlySupport = 0.9
    /// Whether the outline came from edges alone (its alternatives are the other edge outlines).
    private let edgeOnly: Bool

    /// The working copy and its scale (working-copy pixels per image pixel), for the
    /// alternatives and the page's layout fingerprint (`PageIdentifier`).
    let small: GrayImage, k: Double
    /// Outlines found at other cuts, or the other edge outlines when the first came from edges
    /// alone (working-copy pixels).
    private let otherOutlines: [[(Double, Double)]]

    /// Other outlines to try when the first does not register (image pixels), in order: the
    /// sheet's straight edges, where a shadow split it or a bright object joined it at every
    /// cut (when they say something else than the first), then the other cuts. Found on
    /// demand: the edge search costs about as much as the cuts, and most photos register on
    /// the first outline.
    func alternatives() -> [[(x: Double, y: Double)]] {
        var others = otherOutlines
        if !edgeOnly {
            // An edge outline a little off the first is worth a try too: a corner under an
            // object moves the region's corner by a few pixels here, too far for the line search.
            let first = corners.map { ($0.x * k, $0.y * k) }
            others = SheetEdges.quads(small, limit: 3)
                .filter { Self.differs(first, $0.corners, by: 0.015 * Double(max(small.width, small.height))) }
                .map(\.corners) + others
        }
        return others.map { c in c.map { (x: $0.0 / k, y: $0.1 / k) } }
    }

    /// A side backed by the sheet's edge over at least this share of its length is the sheet's
    /// edge; one under `cutSide` is the photo's edge (the sheet runs out of the frame there).
    static let realSide = 0.6, cutSide = 0.25
    /// Proportions of the pages' sheets (long side / short side: 1.33 to 1.48).
    static let sheetAspect = 1.41

    /// A close-up whose sheet runs out of the photo: the outline's sides along the frame are the
    /// photo's edges, and a template laid on it is squeezed into the part in view. When the
    /// outline has such a side and a corner whose two sides are the sheet's own edges, that
    /// corner and the directions of its edges are where the sheet is: quadrilaterals from it at
    /// page proportions, either way round, just covering what is in view (the search on the
    /// straightened page takes 0.7 to 1.3 of each; a second size half as large again found
    /// nothing more on the photos measured and cost a negative photo 5 s). Image pixels.
    func cutSheetQuads() -> [[(x: Double, y: Double)]] {
        let c = corners.map { ($0.x * k, $0.y * k) }
        let support = SheetEdges.sideSupport(small, corners: c)
        // A side along the photo's border (both ends within 3% of one border, or beyond): the
        // photo's edge, whatever edges it crosses (a scan's outline is the whole image).
        let (w, h) = (Double(small.width), Double(small.height))
        let near = 0.03 * max(w, h)
        func alongBorder(_ s: Int) -> Bool {
            let (a, b) = (c[s], c[(s + 1) % 4])
            return (a.0 < near && b.0 < near) || (a.0 > w - near && b.0 > w - near)
                || (a.1 < near && b.1 < near) || (a.1 > h - near && b.1 > h - near)
        }
        let real = (0..<4).map { support[$0] >= Self.realSide && !alongBorder($0) }
        guard (0..<4).contains(where: { support[$0] < Self.cutSide || alongBorder($0) }) else { return [] }
        var out: [[(Double, Double)]] = []
        // Side s runs from corner s to corner s + 1: corner i lies between sides i - 1 and i.
        for i in 0..<4 where real[i] && real[(i + 3) % 4] {
            let corner = c[i], before = c[(i + 3) % 4], after = c[(i + 1) % 4]
            let (la, lb) = (hypot(before.0 - corner.0, before.1 - corner.1), hypot(after.0 - corner.0, after.1 - corner.1))
            guard la > 1, lb > 1 else { continue }
            let ua = ((before.0 - corner.0) / la, (before.1 - corner.1) / la), ub = ((after.0 - corner.0) / lb, (after.1 - corner.1) / lb)
            for (ra, rb) in [(1.0, Self.sheetAspect), (Self.sheetAspect, 1.0)] {
                let unit = max(la / ra, lb / rb)
                let (a, b) = (unit * ra, unit * rb)
                out.append([(corner.0 + a * ua.0, corner.1 + a * ua.1), corner, (corner.0 + b * ub.0, corner.1 + b * ub.1),
                            (corner.0 + a * ua.0 + b * ub.0, corner.1 + a * ua.1 + b * ub.1)])
            }
        }
        return out.map { q in q.map { (x: $0.0 / k, y: $0.1 / k) } }
    }

    /// The largest bright region above `threshold`, as its best quadrilateral, the share of the
    /// image it covers and how much of that quadrilateral the region fills (1: a clean sheet).
    static func sheet(_ small: GrayImage, width w: Int, height h: Int, threshold: UInt8) -> (corners: [(Double, Double)], area: Double, solidity: Double)? {
        let open = small.pixels.map { $0 > threshold }
        // Close small dark gaps (ruled lines, text) so the sheet is one region: a dark pixel with
        // bright pixels 2 px away on both sides in either direction becomes bright.
        var bright = open
        open.withUnsafeBufferPointer { b in
            bright.withUnsafeMutableBufferPointer { closed in
                for y in 0..<h {
                    let row = y &* w
                    for x in 0..<w where !b[row &+ x] {
                        let i = row &+ x
                        let l = x >= 2 && b[i &- 2], r = x &+ 2 < w && b[i &+ 2]
                        let u = y >= 2 && b[i &- 2 &* w], d = y &+ 2 < h && b[i &+ 2 &* w]
                        if (l && r) || (u && d) { closed[i] = true }
                    }
                }
            }
        }
        guard let region = Self.largestRegion(bright, width: w, height: h) else { return nil }
        let fraction = Double(region.count) / Double(w * h)
        guard fraction > 0.08, fraction < 0.97 else { return nil }
        // Boundary points of the region, hull, best quadrilateral.
        var inRegion = [Bool](repeating: false, count: w * h)
        for i in region { inRegion[i] = true }
        func onBoundary(_ i: Int, _ x: Int, _ y: Int) -> Bool {
            x == 0 || y == 0 || x == w &- 1 || y == h &- 1 || !inRegion[i &- 1] || !inRegion[i &+ 1] || !inRegion[i &- w] || !inRegion[i &+ w]
        }
        // A sheet lying inside the photo: its edge barely touches the frame. A scan (or a photo
        // cropped to the page) is left to the ruled-line search. (Counted before the boundary is
        // listed: every image goes through here, and a scan fails here at every cut.)
        var boundaryCount = 0, onFrame = 0
        for y in 0..<h {
            for x in 0..<w where inRegion[y &* w &+ x] && onBoundary(y &* w &+ x, x, y) {
                boundaryCount &+= 1
                if x == 0 || y == 0 || x == w &- 1 || y == h &- 1 { onFrame &+= 1 }
            }
        }
        guard Double(onFrame) < 0.05 * Double(boundaryCount) else { return nil }
        var boundary: [(Double, Double)] = []
        boundary.reserveCapacity(boundaryCount)
        for i in region {
            let x = i % w, y = i / w
            if onBoundary(i, x, y) { boundary.append((Double(x) + 0.5, Double(y) + 0.5)) }
        }
        let hull = Self.convexHull(boundary)
        guard hull.count >= 4, var quad = Self.largestQuad(hull) else { return nil }
        // The sheet's sides are straight where its corners may not be (a corner under a bag,
        // folded, or lost in a bright background): fit a line to the edge points along each side
        // and take the corners where the lines meet.
        for band in [10.0, 5.0, 3.0] { quad = Self.straightened(quad, edge: boundary, band: band) }
        let polygon = quad.map { (x: $0.0, y: $0.1) }
        let area = Quad.area(polygon)
        guard area > 0.08 * Double(w * h) else { return nil }
        // Region pixels inside the quadrilateral over its area.
        let inside = region.filter { Quad.contains((x: Double($0 % w) + 0.5, y: Double($0 / w) + 0.5), polygon) }.count
        let solidity = min(Double(inside) / area, Double(inside) / Double(region.count))
        return (quad, area / Double(w * h), solidity)
    }

    /// The homography taking the template's page rectangle onto this outline, with the template's
    /// top-left corner at the outline corner nearest the image's top-left direction after the
    /// page is turned `turns` quarter turns clockwise from upright (0: upright).
    func transform(width: Double, height: Double, turns: Int = 0) -> Homography? {
        let cx = corners.map(\.x).reduce(0, +) / 4, cy = corners.map(\.y).reduce(0, +) / 4
        // Order corners clockwise starting at the one whose direction from the centre is
        // closest to up-left, then rotate the assignment by the turn.
        let ordered = corners.sorted { atan2($0.y - cy, $0.x - cx) < atan2($1.y - cy, $1.x - cx) }
        let target = atan2(-1.0, -1.0)
        func gap(_ a: Double) -> Double { let d = abs(a - target).truncatingRemainder(dividingBy: 2 * .pi); return min(d, 2 * .pi - d) }
        let start = ordered.indices.min { gap(atan2(ordered[$0].y - cy, ordered[$0].x - cx)) < gap(atan2(ordered[$1].y - cy, ordered[$1].x - cx)) }!
        let src = [(0.0, 0.0), (width, 0.0), (width, height), (0.0, height)]
        let dst = (0..<4).map { ordered[(start + $0 + turns) % 4] }
        return Homography.fitted(from: src.map { (x: $0.0, y: $0.1) }, to: dst)
    }

    /// Share of the small copy's outermost ring (2 px) that must be paper for the image to be
    /// taken as the page itself.
    static let paperRing = 0.9

    /// Whether at least `paperRing` of the small copy's outermost ring is brighter than `level`,
    /// and of a ring `ringInset` further in: a photo turned onto a white canvas (a scanner's
    /// or an editor's turn) has a ring of white wedges, only the image's corners touching
    /// the frame; a ring a little further in crosses the background beside the sheet.
    static func paperAllRound(_ small: GrayImage, level: Double) -> Bool {
        let w = small.width, h = small.height
        let d = max(2, max(w, h) / ringInset)
        guard w >= 2 * d + 4, h >= 2 * d + 4 else { return false }
        func ring(_ inset: Int) -> Bool {
            var bright = 0, total = 0
            func count(_ x: Int, _ y: Int) {
                total += 1
                if Double(small.pixels[y * w + x]) > level { bright += 1 }
            }
            let (x0, y0, x1, y1) = (inset, inset, w - 1 - inset, h - 1 - inset)
            // The ring only: two rows at the top and bottom, two columns at each side between them.
            for y in [y0, y0 + 1, y1 - 1, y1] { for x in x0...x1 { count(x, y) } }
            for y in (y0 + 2)...(y1 - 2) { for x in [x0, x0 + 1, x1 - 1, x1] { count(x, y) } }
            return Double(bright) >= paperRing * Double(total)
        }
        return ring(0) && ring(d)
    }

    /// The inner ring lies this fraction of the copy's long side (1/50: 2%) in from the frame:
    /// beyond the white wedges of a turn by up to about 1° along the whole edge (a turn by θ
    /// leaves wedges sin θ of the side deep at their deepest), and beyond them on most of the
    /// edge for larger turns; a scan's paper margin is paper at that depth too, the form's
    /// thin lines and text crossing it being far under a tenth of the ring.
    static let ringInset = 50

    // MARK: helpers

    /// Whether two outlines differ by more than `by` pixels at some corner (each corner of one
    /// matched with the nearest of the other: the two may start at different corners).
    static func differs(_ a: [(Double, Double)], _ b: [(Double, Double)], by limit: Double) -> Bool {
        a.contains { p in b.allSatisfy { hypot($0.0 - p.0, $0.1 - p.1) > limit } }
    }

    /// Corners where lines fitted to each side's edge points meet (points within `band` px of the
    /// side, away from its ends); a corner that would move more than a fifth of a side stays.
    static func straightened(_ quad: [(Double, Double)], edge: [(Double, Double)], band: Double) -> [(Double, Double)] {
        var lines: [(px: Double, py: Double, dx: Double, dy: Double)?] = []
        for i in 0..<4 {
            let a = quad[i], b = quad[(i + 1) % 4]
            let (ux, uy) = (b.0 - a.0, b.1 - a.1)
            let len = (ux * ux + uy * uy).squareRoot()
            guard len > 8 else { lines.append(nil); continue }
            let (tx, ty) = (ux / len, uy / len)
            let near = edge.filter { p in
                let t = ((p.0 - a.0) * tx + (p.1 - a.1) * ty) / len
                let d = abs((p.0 - a.0) * ty - (p.1 - a.1) * tx)
                return t > 0.12 && t < 0.88 && d < band
            }
            guard near.count >= 8 else { lines.append(nil); continue }
            let mx = near.map(\.0).reduce(0, +) / Double(near.count), my = near.map(\.1).reduce(0, +) / Double(near.count)
            var sxx = 0.0, sxy = 0.0, syy = 0.0
            for p in near { sxx += (p.0 - mx) * (p.0 - mx); sxy += (p.0 - mx) * (p.1 - my); syy += (p.1 - my) * (p.1 - my) }
            let angle = 0.5 * atan2(2 * sxy, sxx - syy)
            lines.append((mx, my, cos(angle), sin(angle)))
        }
        var out = quad
        for i in 0..<4 {
            // Corner i joins side i-1 and side i.
            guard let l1 = lines[(i + 3) % 4], let l2 = lines[i] else { continue }
            let den = l1.dx * l2.dy - l1.dy * l2.dx
            guard abs(den) > 1e-6 else { continue }
            let t = ((l2.px - l1.px) * l2.dy - (l2.py - l1.py) * l2.dx) / den
            let c = (l1.px + t * l1.dx, l1.py + t * l1.dy)
            let side = min(hypot(quad[i].0 - quad[(i + 1) % 4].0, quad[i].1 - quad[(i + 1) % 4].1),
                           hypot(quad[i].0 - quad[(i + 3) % 4].0, quad[i].1 - quad[(i + 3) % 4].1))
            if hypot(c.0 - quad[i].0, c.1 - quad[i].1) < side / 5 { out[i] = c }
        }
        return out
    }

    /// The value at position `rank` of the pixels sorted ascending (a histogram, not a sort).
    static func rankValue(_ pixels: [UInt8], _ rank: Int) -> UInt8 {
        var hist = [Int](repeating: 0, count: 256)
        for p in pixels { hist[Int(p)] += 1 }
        var seen = 0
        for v in 0..<256 {
            seen += hist[v]
            if seen > rank { return UInt8(v) }
        }
        return 255
    }

    static func otsu(_ pixels: [UInt8]) -> UInt8 {
        var hist = [Double](repeating: 0, count: 256)
        for p in pixels { hist[Int(p)] += 1 }
        let total = Double(pixels.count)
        let sumAll = (0..<256).reduce(0.0) { $0 + Double($1) * hist[$1] }
        var sumB = 0.0, wB = 0.0, best = 0.0, threshold = 128
        for t in 0..<256 {
            wB += hist[t]
            if wB == 0 { continue }
            let wF = total - wB
            if wF == 0 { break }
            sumB += Double(t) * hist[t]
            let mB = sumB / wB, mF = (sumAll - sumB) / wF
            let between = wB * wF * (mB - mF) * (mB - mF)
            if between > best { best = between; threshold = t }
        }
        return UInt8(threshold)
    }

    /// Indices of the largest 4-connected region of true pixels (the first found on ties), in
    /// the order a depth-first flood from its first pixel visits them.
    static func largestRegion(_ mask: [Bool], width w: Int, height h: Int) -> [Int]? {
        guard w > 0, h > 0 else { return nil }
        // A false border around the mask: the flood needs no bounds checks. Raw buffers, no
        // per-region arrays (this runs six times on every image).
        let pw = w &+ 2, n = pw &* (h &+ 2)
        let m = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n)
        let seen = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n)
        let stack = UnsafeMutablePointer<Int>.allocate(capacity: w &* h)
        var current = UnsafeMutablePointer<Int>.allocate(capacity: w &* h)
        var best = UnsafeMutablePointer<Int>.allocate(capacity: w &* h)
        defer { m.deallocate(); seen.deallocate(); stack.deallocate(); current.deallocate(); best.deallocate() }
        m.initialize(repeating: false)
        seen.initialize(repeating: false)
        mask.withUnsafeBufferPointer { src in
            for y in 0..<h {
                let row = (y &+ 1) &* pw &+ 1, srow = y &* w
                for x in 0..<w { m[row &+ x] = src[srow &+ x] }
            }
        }
        var bestCount = 0
        for y in 0..<h {
            for x in 0..<w {
                let start = (y &+ 1) &* pw &+ x &+ 1
                guard m[start], !seen[start] else { continue }
                // Depth first, neighbours pushed left, right, up, down.
                var top = 1, count = 0
                stack[0] = start; seen[start] = true
                while top > 0 {
                    top &-= 1
                    let i = stack[top]
                    current[count] = i; count &+= 1
                    let l = i &- 1, r = i &+ 1, u = i &- pw, d = i &+ pw
                    if m[l], !seen[l] { seen[l] = true; stack[top] = l; top &+= 1 }
                    if m[r], !seen[r] { seen[r] = true; stack[top] = r; top &+= 1 }
                    if m[u], !seen[u] { seen[u] = true; stack[top] = u; top &+= 1 }
                    if m[d], !seen[d] { seen[d] = true; stack[top] = d; top &+= 1 }
                }
                if count > bestCount { bestCount = count; swap(&current, &best) }
            }
        }
        guard bestCount > 0 else { return nil }
        return (0..<bestCount).map { k in
            let p = best[k]
            return (p / pw &- 1) &* w &+ p % pw &- 1
        }
    }

    /// Andrew's monotone chain; counter-clockwise in a y-up frame.
    static func convexHull(_ points: [(Double, Double)]) -> [(Double, Double)] {
        let p = points.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        guard p.count > 2 else { return p }
        func cross(_ o: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
            (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
        }
        var lower: [(Double, Double)] = [], upper: [(Double, Double)] = []
        for q in p {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
            lower.append(q)
        }
        for q in p.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
            upper.append(q)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// The four hull vertices spanning the largest area (exhaustive over a thinned hull).
    static func largestQuad(_ hull: [(Double, Double)]) -> [(Double, Double)]? {
        var pts = hull
        // Thin to at most 48 vertices, keeping the ones with the sharpest turns.
        while pts.count > 48 {
            var flattest = 0, flatness = Double.infinity
            for i in pts.indices {
                let a = pts[(i + pts.count - 1) % pts.count], b = pts[i], c = pts[(i + 1) % pts.count]
                let area = abs((b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0))
                if area < flatness { flatness = area; flattest = i }
            }
            pts.remove(at: flattest)
        }
        let n = pts.count
        guard n >= 4 else { return nil }
        func tri(_ a: Int, _ b: Int, _ c: Int) -> Double {
            abs((pts[b].0 - pts[a].0) * (pts[c].1 - pts[a].1) - (pts[b].1 - pts[a].1) * (pts[c].0 - pts[a].0)) / 2
        }
        var best = -1.0, pick = [0, 1, 2, 3]
        for i in 0..<n {
            for k in stride(from: i + 2, to: n, by: 1) where k - i < n - 1 {
                var bj = -1.0, jj = i + 1
                for j in (i + 1)..<k { let t = tri(i, j, k); if t > bj { bj = t; jj = j } }
                var bl = -1.0, ll = (k + 1) % n
                var l = k + 1
                while l % n != i { let t = tri(i, k, l % n); if t > bl { bl = t; ll = l % n }; l += 1 }
                if bj + bl > best { best = bj + bl; pick = [i, jj, k, ll] }
            }
        }
        return pick.map { pts[$0] }
    }
}

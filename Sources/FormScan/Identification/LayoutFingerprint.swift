import DigitReader
import Foundation

/// A page's layout as a small picture: the sheet (or the whole image when no sheet is found)
/// laid into a fixed grid, its slow shading taken out, scaled to zero mean and unit energy.
/// Two fingerprints compare by normalised correlation (1: the same picture), which needs no
/// threshold fitted to any page: the nearest reference is the likeliest template.
///
/// Every template is stretched to the same grid, so a page's proportions count only through
/// what is printed where; the ruled grid and the blocks of printed text are what separate the
/// pages (handwriting is a small part of a page's ink).
struct LayoutFingerprint: Sendable {
    /// Grid values, row-major, `Self.width` x `Self.height`.
    var values: [Float]

    /// Grid size: about a page's proportions (1.33 to 1.48), enough cells to show the blocks
    /// of a form (a 2024 page's rows of boxes are 2-3 cells apart here), few enough to cost
    /// microseconds.
    static let width = 32, height = 45
    /// The grid is sampled at this many points a cell side (then averaged): the small copy's
    /// detail averaged, not aliased.
    static let oversample = 3
    /// Shading is what a box blur of this radius (cells) keeps: a photo's light falling across
    /// the sheet, not the form.
    static let shadingRadius = 6

    /// The picture in `image` within the quadrilateral `corners` (clockwise, the page's
    /// top-left first), laid into the grid: first straightened onto a finer grid, then the
    /// form's own extent there (where its ink lies) stretched over the grid, so that paper
    /// margins (a plano sheet's, a scan cut closer or wider than the reference) do not count.
    init(_ image: GrayImage, corners: [(x: Double, y: Double)]) {
        let (fw, fh) = (Self.width * Self.oversample, Self.height * Self.oversample)
        let map = Homography.fitted(from: [(x: 0, y: 0), (x: Double(fw), y: 0), (x: Double(fw), y: Double(fh)), (x: 0, y: Double(fh))],
                                    to: corners) ?? .identity
        let fine = image.warped(width: fw, height: fh, through: map.composed(after: Homography([1, 0, 0.5, 0, 1, 0.5, 0, 0, 1])))
        // Ink: darker than the paper around it (a 7x7 neighbourhood's brightest quarter).
        var ink = [Float](repeating: 0, count: fw * fh)
        for y in 0..<fh { for x in 0..<fw {
            var paper: UInt8 = 0
            for yy in max(0, y - 3)...min(fh - 1, y + 3) { for xx in Swift.stride(from: max(0, x - 3), through: min(fw - 1, x + 3), by: 2) {
                paper = max(paper, fine.pixels[yy * fw + xx])
            } }
            ink[y * fw + x] = Float(max(0, Int(paper) - Int(fine.pixels[y * fw + x]) - Self.inkFloor))
        } }
        // The form's extent: where the central share of the ink lies along each axis.
        func extent(_ sums: [Float]) -> (Int, Int) {
            let total = sums.reduce(0, +)
            guard total > 0 else { return (0, sums.count) }
            var run: Float = 0, lo = 0, hi = sums.count
            for (i, v) in sums.enumerated() { run += v; if run >= total * Self.inkTail { lo = i; break } }
            run = 0
            for (i, v) in sums.enumerated().reversed() { run += v; if run >= total * Self.inkTail { hi = i + 1; break } }
            return hi - lo >= sums.count / 3 ? (lo, hi) : (0, sums.count)
        }
        var rows = [Float](repeating: 0, count: fh), columns = [Float](repeating: 0, count: fw)
        for y in 0..<fh { for x in 0..<fw { rows[y] += ink[y * fw + x]; columns[x] += ink[y * fw + x] } }
        let (x0, x1) = extent(columns), (y0, y1) = extent(rows)
        // The extent onto the grid, each cell the mean of the fine pixels it covers.
        let (w, h) = (Self.width, Self.height)
        var cells = [Float](repeating: 0, count: w * h), counts = [Float](repeating: 0, count: w * h)
        for y in y0..<y1 { for x in x0..<x1 {
            let cx = min(w - 1, (x - x0) * w / (x1 - x0)), cy = min(h - 1, (y - y0) * h / (y1 - y0))
            cells[cy * w + cx] += ink[y * fw + x]; counts[cy * w + cx] += 1
        } }
        self.init(grid: zip(cells, counts).map { $1 > 0 ? $0 / $1 : 0 })
    }

    /// Darkness under the paper around it by at most this much (grey levels) is paper:
    /// JPEG noise, a photo's grain.
    static let inkFloor = 12
    /// The form's extent leaves out this share of the ink at each end (a stamp, a scrawl or
    /// the background beyond the sheet).
    static let inkTail: Float = 0.01

    /// Values already made (`ReferencePrints`).
    init(values: [Float]) { self.values = values }

    /// From ink values on the grid (ink high).
    init(grid: [Float]) {
        let (w, h, r) = (Self.width, Self.height, Self.shadingRadius)
        // Shading: the mean over a (2r+1)^2 window, from a summed-area table.
        var sat = [Float](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0..<h { for x in 0..<w {
            sat[(y + 1) * (w + 1) + x + 1] = grid[y * w + x] + sat[y * (w + 1) + x + 1] + sat[(y + 1) * (w + 1) + x] - sat[y * (w + 1) + x]
        } }
        var v = [Float](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            let (x0, x1, y0, y1) = (max(0, x - r), min(w, x + r + 1), max(0, y - r), min(h, y + r + 1))
            let sum = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0]
            v[y * w + x] = grid[y * w + x] - sum / Float((x1 - x0) * (y1 - y0))
        } }
        let mean = v.reduce(0, +) / Float(v.count)
        for i in v.indices { v[i] -= mean }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in v.indices { v[i] /= norm } }
        values = v
    }

    /// Normalised correlation with `reference`, the best over shifts of up to `Self.slack`
    /// cells each way, over the cells both cover: for a scan, whose form's extent is the
    /// reference's up to a scan's cut.
    func correlation(_ reference: LayoutFingerprint) -> Double {
        let (w, h, s) = (Self.width, Self.height, Self.slack)
        var best = -1.0
        values.withUnsafeBufferPointer { a in
            reference.values.withUnsafeBufferPointer { b in
                for dy in -s...s { for dx in -s...s {
                    var ab: Float = 0, aa: Float = 0, bb: Float = 0
                    for y in max(0, -dy)..<min(h, h - dy) {
                        let ra = y * w, rb = (y + dy) * w
                        for x in max(0, -dx)..<min(w, w - dx) {
                            let (p, q) = (a[ra + x], b[rb + x + dx])
                            ab += p * q; aa += p * p; bb += q * q
                        }
                    }
                    if aa > 0 && bb > 0 { best = max(best, Double(ab / (aa * bb).squareRoot())) }
                } }
            }
        }
        return best
    }

    /// Cells a scan may sit off its reference each way (a 32-cell row: about 6% of the page).
    static let slack = 2

    /// Normalised correlation with `reference`, the page laid onto it by the best stretch and
    /// shift along each axis (a sheet's margins and cut are not the reference's: a plano
    /// sheet's paper edge, a scan cut closer, a photo whose outline takes in some background).
    /// Each axis is aligned on its ink profile (rows for down, columns for across: a search
    /// over `stretches` and shifts of up to `maximumShift` cells), then the two pictures are
    /// compared cell by cell over the cells both cover.
    func alignedCorrelation(_ reference: LayoutFingerprint) -> Double {
        let (w, h) = (Self.width, Self.height)
        let down = Self.align(rows, reference.rows), across = Self.align(columns, reference.columns)
        var ab: Float = 0, aa: Float = 0, bb: Float = 0, n = 0
        values.withUnsafeBufferPointer { a in
            reference.values.withUnsafeBufferPointer { b in
                for y in 0..<h {
                    let py = Float(down.stretch) * Float(y) + Float(down.shift)
                    guard py >= 0, py <= Float(h - 1) else { continue }
                    let y0 = min(h - 2, Int(py)), fy = py - Float(y0)
                    for x in 0..<w {
                        let px = Float(across.stretch) * Float(x) + Float(across.shift)
                        guard px >= 0, px <= Float(w - 1) else { continue }
                        let x0 = min(w - 2, Int(px)), fx = px - Float(x0)
                        let top = a[y0 * w + x0] * (1 - fx) + a[y0 * w + x0 + 1] * fx
                        let bottom = a[(y0 + 1) * w + x0] * (1 - fx) + a[(y0 + 1) * w + x0 + 1] * fx
                        let p = top * (1 - fy) + bottom * fy, q = b[y * w + x]
                        ab += p * q; aa += p * p; bb += q * q; n += 1
                    }
                }
            }
        }
        // At least half the reference must be covered, or the comparison says nothing.
        guard n >= w * h / 2, aa > 0, bb > 0 else { return -1 }
        return Double(ab / (aa * bb).squareRoot())
    }

    /// Row sums of the grid (the ink down the page) and column sums (across).
    var rows: [Float] { (0..<Self.height).map { y in (0..<Self.width).reduce(0) { $0 + values[y * Self.width + $1] } } }
    var columns: [Float] { (0..<Self.width).map { x in (0..<Self.height).reduce(0) { $0 + values[$1 * Self.width + x] } } }

    /// The stretch and shift laying `page`'s profile on `reference`'s best: reference cell i
    /// is compared with page position stretch * i + shift (linear between cells), scored by
    /// normalised correlation over the cells both cover (at least two thirds of them).
    static func align(_ page: [Float], _ reference: [Float]) -> (stretch: Double, shift: Double) {
        let n = page.count
        var best = (score: -2.0, stretch: 1.0, shift: 0.0)
        for stretch in stretches {
            for k in -2 * maximumShift...2 * maximumShift {
                let shift = Double(k) / 2
                // Sums for the correlation in one pass (no buffers: this runs 14,000 times a page).
                var sa: Float = 0, sb: Float = 0, sab: Float = 0, saa: Float = 0, sbb: Float = 0, m = 0
                for i in 0..<n {
                    let p = stretch * Double(i) + shift
                    guard p >= 0, p <= Double(n - 1) else { continue }
                    let i0 = min(n - 2, Int(p)), f = Float(p - Double(i0))
                    let u = page[i0] * (1 - f) + page[i0 + 1] * f, v = reference[i]
                    sa += u; sb += v; sab += u * v; saa += u * u; sbb += v * v; m += 1
                }
                guard m * 3 >= 2 * n else { continue }
                let fm = Float(m)
                let ab = sab - sa * sb / fm, aa = saa - sa * sa / fm, bb = sbb - sb * sb / fm
                guard aa > 0, bb > 0 else { continue }
                let score = Double(ab / (aa * bb).squareRoot())
                if score > best.score { best = (score, stretch, shift) }
            }
        }
        return (best.stretch, best.shift)
    }

    /// Stretches tried along each axis (page cells per reference cell): the form's extent on
    /// the page from 80% to 125% of the reference's.
    static let stretches: [Double] = stride(from: 0.8, through: 1.25 + 1e-9, by: 0.05).map { $0 }
    /// Largest shift tried, cells (a fifth of the page across, a seventh down).
    static let maximumShift = 6
}

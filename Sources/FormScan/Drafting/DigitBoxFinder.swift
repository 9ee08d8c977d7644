import Foundation

/// The digit boxes of a form, from its ruled lines: cells closed on four sides, of a digit's
/// size and shape, side by side in runs of three (hundreds, tens, units), or of a multiple of
/// three (the L, P and J columns of one row), split into threes from the left.
struct DigitBoxFinder {
    typealias Segment = RuledLineFinder.Segment

    struct Cell: Sendable, Equatable {
        var x: Double, y: Double, width: Double, height: Double
        var rect: Rect { Rect(x: x, y: y, width: width, height: height) }
    }

    /// A cell is a digit box when its width is this share of the page's width (2019 scans 4.1%,
    /// 2024 pages 3.7%, the plano sheet 4.2%; the signature and header cells are far wider, the
    /// date boxes on the plano sheet narrower).
    var widthShare = 0.025...0.065
    /// and its height over width is in this range: the boxes run from 0.88 (2019 Lembar 1) to
    /// 1.8 (Lembar 2's vote counts); the tally grids' cells are about 0.55, wider than tall.
    var aspect = 0.72...2.3
    /// Boxes of one number stand at most this share of a box apart.
    var maxGap = 0.4
    /// Pixels by which a line may miss a corner and still close the cell.
    var tolerance = 4.0

    let horizontal: [Segment]
    let vertical: [Segment]
    let pageWidth: Double

    /// Every closed cell: a horizontal line on top, the next horizontal line below it under the
    /// whole cell, and two vertical lines joining them.
    func cells() -> [Cell] {
        var out: [Cell] = []
        let t = tolerance
        for top in horizontal {
            // Vertical lines crossing or hanging from this line, inside its extent.
            let hanging = vertical.filter { v in
                v.position >= top.from - t && v.position <= top.to + t && v.from <= top.position + t && v.to >= top.position + 3 * t
            }.sorted { $0.position < $1.position }
            var xs: [Segment] = []
            for v in hanging where xs.last.map({ v.position - $0.position > t }) ?? true { xs.append(v) }
            for (a, b) in zip(xs, xs.dropFirst()) {
                let w = b.position - a.position
                // Up to three boxes wide: a divider lost in the scan leaves a double cell,
                // split again in `numbers` by its neighbours' width.
                guard w / pageWidth >= widthShare.lowerBound, w / pageWidth <= 3.3 * widthShare.upperBound else { continue }
                // The first line below that spans the cell, reached by both sides.
                let bottom = horizontal.filter { h in
                    h.position > top.position + 3 * t && h.from <= a.position + t && h.to >= b.position - t
                }.min { $0.position < $1.position }
                guard a.from <= top.position + t, b.from <= top.position + t else { continue }
                let h: Double
                // A side broken in its lower part (a thresholded scan's dashes) still reaches
                // the line below: it needs to come within 45% of the cell's height of it.
                if let bottom, a.to >= bottom.position - max(t, 0.45 * (bottom.position - top.position)),
                   b.to >= bottom.position - max(t, 0.45 * (bottom.position - top.position)) {
                    h = bottom.position - top.position
                } else if bottom.map({ $0.position > min(a.to, b.to) + t }) ?? true {
                    // A box open at the bottom (the plano sheet's, above the words line): it
                    // ends where its shorter side ends (the other may be the table's rule).
                    h = min(a.to, b.to) - top.position
                } else {
                    continue
                }
                guard h / w <= aspect.upperBound else { continue }
                out.append(Cell(x: a.position, y: top.position, width: w, height: h))
            }
        }
        // The same cell found from two overlapping top segments: once.
        var unique: [Cell] = []
        for c in out where !unique.contains(where: { abs($0.x - c.x) < t && abs($0.y - c.y) < t && abs($0.width - c.width) < t }) {
            unique.append(c)
        }
        return unique
    }

    /// Cells two or three boxes wide, in a row of boxes (same top, same height) whose usual
    /// width they are a multiple of, cut into that many boxes.
    func split(_ cells: [Cell]) -> [Cell] {
        var rows: [[Cell]] = []
        for c in cells {
            if let i = rows.firstIndex(where: { abs($0[0].y - c.y) < tolerance && abs($0[0].height - c.height) < max(tolerance, 0.1 * c.height) }) {
                rows[i].append(c)
            } else {
                rows.append([c])
            }
        }
        return rows.flatMap { row -> [Cell] in
            let unitCells = row.filter { widthShare.contains($0.width / pageWidth) && aspect.contains($0.height / $0.width) }
            let units = unitCells.map(\.width).sorted()
            guard units.count >= 2 else { return row }
            let u = units[units.count / 2]
            return row.flatMap { c -> [Cell] in
                let k = (c.width / u).rounded()
                // Only beside a box of the row (sharing its side): a lost divider between boxes,
                // not a wide cell of a table that happens to be a multiple of their width.
                let besideBox = unitCells.contains { abs($0.x - (c.x + c.width)) < tolerance || abs($0.x + $0.width - c.x) < tolerance }
                guard besideBox, k >= 2, k <= 3, abs(c.width / u - k) < 0.06 * k else { return [c] }
                return (0..<Int(k)).map { i in Cell(x: c.x + Double(i) * c.width / k, y: c.y, width: c.width / k, height: c.height) }
            }
        }
    }

    /// Cells grouped into numbers: in a row of adjacent cells of one size, each three from the
    /// left. Runs of other lengths are returned apart (`loose`), for the report.
    func numbers() -> (numbers: [[Cell]], loose: [[Cell]]) {
        let all = split(cells()).filter { widthShare.contains($0.width / pageWidth) && aspect.contains($0.height / $0.width) }
            .sorted { ($0.y, $0.x) < ($1.y, $1.x) }
        var runs: [[Cell]] = []
        for c in all {
            if let i = runs.indices.last(where: { i in
                let last = runs[i].last!
                // Side by side: sharing a line, or apart by a small gap (the 2024 boxes stand
                // a fifth of a box apart).
                let gap = c.x - (last.x + last.width)
                return abs(last.y - c.y) < tolerance && abs(last.height - c.height) < max(tolerance, 0.1 * c.height)
                    && gap > -tolerance && gap < maxGap * c.width && abs(last.width - c.width) < 0.15 * c.width
            }) {
                runs[i].append(c)
            } else {
                runs.append([c])
            }
        }
        var numbers: [[Cell]] = [], loose: [[Cell]] = []
        for r in runs {
            if r.count % 3 == 0 {
                for i in stride(from: 0, to: r.count, by: 3) { numbers.append(Array(r[i..<(i + 3)])) }
            } else {
                loose.append(r)
            }
        }
        return (numbers.sorted { ($0[0].y, $0[0].x) < ($1[0].y, $1[0].x) }, loose)
    }
}

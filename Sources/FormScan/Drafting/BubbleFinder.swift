import Foundation

/// The bubbles of the 2024 page 2: under each digit box a column of ten printed rings, 0 at the
/// top; found as ring-shaped blobs of ink centred under the box, evenly spaced.
struct BubbleFinder {
    let finder: RuledLineFinder

    /// A ring is 20–60% of its box's width across, about round, and mostly hollow.
    static let size = 0.2...0.6
    static let maxFill = 0.6

    /// The ten centres under `box` ([x, y, w, h]), and the rings' radius; nil when there are
    /// not ten evenly spaced rings there.
    func column(under box: [Double]) -> (centres: [[Double]], radius: Double)? {
        let (bx, by, bw, bh) = (box[0], box[1], box[2], box[3])
        let x0 = max(0, Int(bx + 0.1 * bw)), x1 = min(finder.width, Int(bx + 0.9 * bw))
        let y0 = min(finder.height, Int(by + bh)), y1 = min(finder.height, Int(by + bh + 16 * bh))
        guard x1 > x0, y1 > y0 else { return nil }
        let ww = x1 - x0, wh = y1 - y0
        var seen = [Bool](repeating: false, count: ww * wh)
        var rings: [(x: Double, y: Double, d: Double)] = []
        for y in 0..<wh {
            for x in 0..<ww where !seen[y * ww + x] && finder.ink[(y0 + y) * finder.width + x0 + x] {
                var stack = [(x, y)], count = 0, touchesEdge = false
                var (minX, minY, maxX, maxY) = (x, y, x, y)
                seen[y * ww + x] = true
                while let (cx, cy) = stack.popLast() {
                    count += 1
                    minX = min(minX, cx); maxX = max(maxX, cx); minY = min(minY, cy); maxY = max(maxY, cy)
                    // 8-connected: a printed ring's thin arcs touch only at corners here and there.
                    for (nx, ny) in [(cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1),
                                     (cx + 1, cy + 1), (cx - 1, cy - 1), (cx + 1, cy - 1), (cx - 1, cy + 1)] {
                        guard nx >= 0, ny >= 0, nx < ww, ny < wh else { touchesEdge = true; continue }
                        if !seen[ny * ww + nx] && finder.ink[(y0 + ny) * finder.width + x0 + nx] {
                            seen[ny * ww + nx] = true
                            stack.append((nx, ny))
                        }
                    }
                }
                let w = Double(maxX - minX + 1), h = Double(maxY - minY + 1)
                guard !touchesEdge, Self.size.contains(w / bw), Self.size.contains(h / bw), abs(w - h) <= 0.25 * max(w, h),
                      Double(count) / (w * h) < Self.maxFill else { continue }
                rings.append((Double(x0 + minX) + w / 2, Double(y0 + minY) + h / 2, (w + h) / 2))
            }
        }
        rings.sort { $0.y < $1.y }
        // Ten in a column, evenly spaced (within a fifth of a step), from the top.
        guard rings.count >= 10 else { return nil }
        for start in 0...(rings.count - 10) {
            let ten = Array(rings[start..<(start + 10)])
            let steps = zip(ten, ten.dropFirst()).map { $1.y - $0.y }
            let step = steps.sorted()[steps.count / 2]
            guard step > 0, steps.allSatisfy({ abs($0 - step) <= 0.2 * step }) else { continue }
            let diameters = ten.map(\.d).sorted()
            // The radius inside the ring (its outer size less a stroke of about 2 px).
            return (ten.map { [TemplateDrafter.round($0.x), TemplateDrafter.round($0.y)] }, diameters[5] / 2 - 2)
        }
        return nil
    }
}

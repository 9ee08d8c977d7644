import DigitReader
import Foundation

extension Registrar {
    /// What the coarse search needs of an image, whatever the template: a small copy's ruled
    /// line pixels, the page skew, and line profiles in the deskewed frame. Computed once per
    /// image and turn, shared by every template tried (`CoarseCache`).
    struct CoarseView {
        var k: Double, cw: Int, ch: Int, cx: Double, cy: Double
        var bestAngle: Double, t: Double
        var py: [Double], px: [Double]

        init?(_ image: GrayImage, side: Int) {
            k = Double(side) / Double(max(image.width, image.height))
            cw = max(1, Int(Double(image.width) * k)); ch = max(1, Int(Double(image.height) * k))
            let (cw, ch) = (cw, ch)
            let small = image.resized(width: cw, height: ch)
            let ink = InkMap(small, radius: 7, contrast: 18)
            let hRuns = ink.runs(horizontal: true, minRun: 18)
            let vRuns = ink.runs(horizontal: false, minRun: 18)
            var hPoints: [(Double, Double)] = [], vPoints: [(Double, Double)] = []
            // The horizontal-line points as spans of neighbours along a row (first and last x).
            var hSpans: [(y: Double, first: Int, last: Int)] = []
            hRuns.bits.withUnsafeBufferPointer { h in
                vRuns.bits.withUnsafeBufferPointer { v in
                    for y in 0..<ch {
                        let row = y &* cw
                        for x in 0..<cw {
                            if h[row &+ x] != 0 {
                                hPoints.append((Double(x), Double(y)))
                                if x > 0 && h[row &+ x &- 1] != 0 { hSpans[hSpans.count - 1].last = x } else { hSpans.append((Double(y), x, x)) }
                            }
                            if v[row &+ x] != 0 { vPoints.append((Double(x), Double(y))) }
                        }
                    }
                }
            }
            if hPoints.count < 50 || vPoints.count < 20 { return nil }
            let cx = Double(cw) / 2, cy = Double(ch) / 2
            self.cx = cx; self.cy = cy
            // Skew: sharpest horizontal-line profile.
            var bestAngle = 0.0, bestSharp = -1.0
            var prof = [Int32](repeating: 0, count: ch * 2)
            hSpans.withUnsafeBufferPointer { spans in
                prof.withUnsafeMutableBufferPointer { prof in
                    for step in -20...20 {
                        let a = Double(step) * 0.2 * .pi / 180
                        let t = tan(a)
                        for i in prof.indices { prof[i] = 0 }
                        // Each point's row in the deskewed frame, ties to even (a value exactly
                        // halfway between two rows does not occur off the zero angle).
                        @inline(__always) func bin(_ x: Int, _ y: Double) -> Int {
                            Self.nearestEven(y - (Double(x) - cx) * t) &+ ch / 2
                        }
                        // Along a span the row never goes back (the expression is monotonic in x,
                        // rounding included), so each stretch of points landing on one row is
                        // found by galloping and halving instead of point by point: the same
                        // counts with a few evaluations per change of row.
                        for span in spans {
                            var x = span.first
                            while x <= span.last {
                                let b = bin(x, span.y)
                                var same = x, stride = 1
                                while same &+ stride <= span.last && bin(same &+ stride, span.y) == b {
                                    same &+= stride; stride &<<= 1
                                }
                                var other = min(same &+ stride, span.last &+ 1)
                                while other &- same > 1 {
                                    let mid = (same &+ other) >> 1
                                    if bin(mid, span.y) == b { same = mid } else { other = mid }
                                }
                                if b >= 0 && b < prof.count { prof[b] &+= Int32(same &- x &+ 1) }
                                x = same &+ 1
                            }
                        }
                        // Whole counts: the sum of squares is exact, as with the counts in doubles.
                        var sharp = 0.0
                        for v in prof { sharp += Double(v) * Double(v) }
                        if sharp > bestSharp { bestSharp = sharp; bestAngle = a }
                    }
                }
            }
            let t = tan(bestAngle)
            self.bestAngle = bestAngle; self.t = t
            // Profiles in the deskewed frame: x' = x + (y - cy) t, y' = y - (x - cx) t.
            func profile(_ pts: [(Double, Double)], vertical: Bool, length: Int) -> [Double] {
                var p = [Double](repeating: 0, count: length)
                for (x, y) in pts {
                    let v = vertical ? x + (y - cy) * t : y - (x - cx) * t
                    let i = Self.nearestEven(v)
                    if i >= 0 && i < length { p[i] += 1 }
                }
                // tolerate ±1 pixel
                var q = p
                for i in 0..<length { q[i] = max(p[max(0, i - 1)], p[i], p[min(length - 1, i + 1)]) }
                return q
            }
            py = profile(hPoints, vertical: false, length: ch)
            px = profile(vPoints, vertical: true, length: cw)
        }

        /// `Int(v.rounded(.toNearestOrEven))` without the call into libm (`rint`) that x86-64's
        /// baseline instruction set needs: adding and taking away 1.5 x 2^52 leaves the nearest
        /// integer, ties to even (the default rounding), for any |v| below 2^51.
        @inline(__always)
        static func nearestEven(_ v: Double) -> Int {
            let shift = 6_755_399_441_055_744.0
            return Int((v + shift) - shift)
        }
    }
}

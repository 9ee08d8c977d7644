import DigitReader
import Foundation

extension GrayImage {
    /// A width x height image whose pixel (x, y) is this image sampled (bilinear) at
    /// `map(x, y)`: a page laid into a template's frame, or straightened on its outline.
    func warped(width w: Int, height h: Int, through map: Homography) -> GrayImage {
        var out = GrayImage(width: w, height: h)
        withSampler { image in
            for y in 0..<h {
                for x in 0..<w {
                    let p = map.apply(Double(x), Double(y))
                    out.pixels[y * w + x] = UInt8(max(0, min(255, image.sample(x: p.x, y: p.y).rounded())))
                }
            }
        }
        return out
    }
}

/// Plane geometry of a quadrilateral (a sheet's outline, a mark or a page as a fit draws it).
enum Quad {
    /// Area of a simple polygon (shoelace), either winding.
    static func area(_ points: [(x: Double, y: Double)]) -> Double {
        var twice = 0.0
        for i in points.indices {
            let (a, b) = (points[i], points[(i + 1) % points.count])
            twice += a.x * b.y - b.x * a.y
        }
        return abs(twice) / 2
    }

    /// Whether a point lies inside a convex polygon (either winding).
    static func contains(_ p: (x: Double, y: Double), _ polygon: [(x: Double, y: Double)]) -> Bool {
        var sign = 0.0
        for i in polygon.indices {
            let (a, b) = (polygon[i], polygon[(i + 1) % polygon.count])
            let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
            if cross == 0 { continue }
            if sign == 0 { sign = cross } else if (cross > 0) != (sign > 0) { return false }
        }
        return true
    }
}

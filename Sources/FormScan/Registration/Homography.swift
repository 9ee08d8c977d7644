import Foundation

/// A plane projective transform, `(x, y) -> ((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1))`.
public struct Homography: Sendable, Codable, Equatable {
    /// Row-major 3x3 matrix with m[8] == 1.
    public var m: [Double]

    public init(_ m: [Double]) {
        precondition(m.count == 9)
        self.m = m
    }

    public static let identity = Homography([1, 0, 0, 0, 1, 0, 0, 0, 1])

    /// Scale, rotate (radians, counter-clockwise in image coordinates) and shift.
    public static func similarity(scale: Double, angle: Double, tx: Double, ty: Double) -> Homography {
        let c = cos(angle) * scale, s = sin(angle) * scale
        return Homography([c, -s, tx, s, c, ty, 0, 0, 1])
    }

    @inline(__always)
    public func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        let w = m[6] * x + m[7] * y + m[8]
        return ((m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w)
    }

    /// self ∘ other: apply `other` first.
    public func composed(after other: Homography) -> Homography {
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { r[i * 3 + j] += m[i * 3 + k] * other.m[k * 3 + j] } } }
        return Homography(r.map { $0 / r[8] })
    }

    public var inverse: Homography {
        let a = m
        let det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
        var inv = [
            (a[4] * a[8] - a[5] * a[7]), -(a[1] * a[8] - a[2] * a[7]), (a[1] * a[5] - a[2] * a[4]),
            -(a[3] * a[8] - a[5] * a[6]), (a[0] * a[8] - a[2] * a[6]), -(a[0] * a[5] - a[2] * a[3]),
            (a[3] * a[7] - a[4] * a[6]), -(a[0] * a[7] - a[1] * a[6]), (a[0] * a[4] - a[1] * a[3]),
        ].map { $0 / det }
        let n = inv[8]
        if abs(n) > 1e-12 { inv = inv.map { $0 / n } }
        return Homography(inv)
    }

    /// Local scale (image pixels per template pixel) near a point.
    public func scale(near x: Double, _ y: Double) -> Double {
        let p = apply(x, y), px = apply(x + 1, y), py = apply(x, y + 1)
        return sqrt(abs((px.x - p.x) * (py.y - p.y) - (px.y - p.y) * (py.x - p.x)))
    }
}

extension Homography {
    /// The homography taking `src` onto `dst` (four or more point pairs; exact for four), by
    /// least squares on the direct linear form, in coordinates scaled to about 1.
    static func fitted(from src: [(x: Double, y: Double)], to dst: [(x: Double, y: Double)]) -> Homography? {
        guard src.count >= 4, src.count == dst.count else { return nil }
        let k = 1.0 / 1000
        var ata = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 8)
        var atb = [Double](repeating: 0, count: 8)
        for (s, d) in zip(src, dst) {
            let (x, y, u, v) = (s.x * k, s.y * k, d.x * k, d.y * k)
            for (row, rhs) in [([x, y, 1, 0, 0, 0, -u * x, -u * y], u), ([0, 0, 0, x, y, 1, -v * x, -v * y], v)] {
                for i in 0..<8 {
                    atb[i] += row[i] * rhs
                    for j in 0..<8 { ata[i][j] += row[i] * row[j] }
                }
            }
        }
        guard let p = LinearSolver.solve(ata, atb) else { return nil }
        let scaled = Homography(p + [1])
        return Homography([1 / k, 0, 0, 0, 1 / k, 0, 0, 0, 1]).composed(after: scaled.composed(after: Homography([k, 0, 0, 0, k, 0, 0, 0, 1])))
    }
}

/// Solves small dense linear systems (normal equations) by Gaussian elimination with pivoting.
enum LinearSolver {
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = a, v = b
        for col in 0..<n {
            var pivot = col
            for r in col + 1..<n where abs(m[r][col]) > abs(m[pivot][col]) { pivot = r }
            if abs(m[pivot][col]) < 1e-12 { return nil }
            m.swapAt(col, pivot); v.swapAt(col, pivot)
            for r in 0..<n where r != col {
                let f = m[r][col] / m[col][col]
                if f == 0 { continue }
                for c in col..<n { m[r][c] -= f * m[col][c] }
                v[r] -= f * v[col]
            }
        }
        return (0..<n).map { v[$0] / m[$0][$0] }
    }
}

import DigitReader
import Foundation

/// Which way round a page lies: the turns to try, and the turn a fit puts the page upright at.
extension Registrar {
    /// The quarter turns to try, most likely first: the one that makes the image's long side
    /// match the page's, then upside down, then the other two.
    func likelyTurns(_ image: GrayImage) -> [Int] {
        (image.height >= image.width) == (template.height >= template.width) ? [0, 2, 1, 3] : [1, 3, 0, 2]
    }

    /// Clockwise quarter turns that bring a page fitted by `h` (template -> image) upright:
    /// the template's rightward direction at the page centre points right after the turn.
    static func uprightTurn(_ h: Homography, template: Template) -> Int {
        let c = h.apply(template.width / 2, template.height / 2), r = h.apply(template.width / 2 + 10, template.height / 2)
        let angle = atan2(r.y - c.y, r.x - c.x) * 180 / .pi
        if angle > -45 && angle <= 45 { return 0 }
        if angle > 45 && angle <= 135 { return 3 }
        if angle <= -45 && angle > -135 { return 1 }
        return 2
    }

    /// Pixel coordinates of an image (width x height) -> the same pixels after `rotated(quarterTurns: q)`.
    static func rotation(_ q: Int, width: Int, height: Int) -> Homography {
        let (w, h) = (Double(width), Double(height))
        switch ((q % 4) + 4) % 4 {
        case 1: return Homography([0, -1, h - 1, 1, 0, 0, 0, 0, 1])
        case 2: return Homography([-1, 0, w - 1, 0, -1, h - 1, 0, 0, 1])
        case 3: return Homography([0, 1, 0, -1, 0, w - 1, 0, 0, 1])
        default: return .identity
        }
    }
}

import DigitReader
import Foundation

/// How good the picture of a registered page is, measured on the page itself, so a person is
/// told to retake a bad photo instead of being handed a page of misreads.
public struct ImageQuality: Sendable, Codable, Equatable {
    /// Paper brightness inside the page (0–255, 90th percentile).
    public var paper: Double
    /// Paper minus ink (0–255): how well the printed lines stand out.
    public var contrast: Double
    /// Width, in template pixels, over which a printed ruled line's edge goes from paper to
    /// ink (about 1 on a sharp scan; a digit stroke is about 3).
    public var edgeWidth: Double
    /// Image pixels per template pixel.
    public var scale: Double
    /// Fraction of the form's area (its ruled lines and boxes) inside the photo.
    public var inside: Double
    /// What is wrong, in the words a person acts on; empty when the picture is fine.
    public var problems: [String]
}

/// Thresholds for refusing a picture. Measured on the sample scans and on degraded copies of
/// them (tests: QualityTests).
public enum QualityGate {
    public static let minimumPaper = 85.0
    public static let minimumContrast = 45.0
    public static let maximumEdgeWidth = 3.2
    public static let minimumScale = 0.42
    /// A page with less of its form inside the photo than this is refused, unless every digit
    /// box is well inside (a close-up that leaves out the signatures under the numbers, as
    /// KawalPemilu's plano photo `contoh-5.jpg` does: 80% of the form, every box): what is
    /// missing then holds no number, and the rules still check what is read.
    public static let minimumInside = 0.97
    /// How far inside the photo every box must lie (a share of the box's size) for a page cut
    /// by the photo's edge to be read.
    public static let boxMargin = 0.25
    /// Below this scale (image pixels per template pixel) a soft edge may be the photo's
    /// resolution, not blur: when the edge spans at most `sharpImagePixels` image pixels the
    /// person is told the photo is too small, not blurred (generated photos halved to
    /// 1500x2000: 1.9–2.5 image pixels; sharp 12 MP photos 1.6–2.7; blurred ones 4.5–7.5).
    public static let lowResolutionScale = 0.8
    public static let sharpImagePixels = 2.6

    public static func assess(_ page: GrayImage, template: Template, transform: Homography) -> ImageQuality {
        let scale = transform.scale(near: template.width / 2, template.height / 2)
        // A grid of points over the form itself (its ruled lines and boxes; a scan cut in the
        // margin loses nothing).
        var xs = template.lines.vertical.map { $0[0] } + template.lines.horizontal.flatMap { [$0[1], $0[2]] }
        var ys = template.lines.horizontal.map { $0[0] } + template.lines.vertical.flatMap { [$0[1], $0[2]] }
        for f in template.fields { for b in f.boxes { xs += [b[0], b[0] + b[2]]; ys += [b[1], b[1] + b[3]] } }
        let (fx0, fx1) = (xs.min() ?? 0, xs.max() ?? template.width)
        let (fy0, fy1) = (ys.min() ?? 0, ys.max() ?? template.height)
        var values: [Double] = []
        var inside = 0, total = 0
        page.withSampler { img in
            let step = 16.0
            var y = fy0 + step / 2
            while y < fy1 {
                var x = fx0 + step / 2
                while x < fx1 {
                    let p = transform.apply(x, y)
                    total += 1
                    if p.x >= 0 && p.y >= 0 && p.x < Double(img.width) && p.y < Double(img.height) {
                        inside += 1
                        values.append(img.sample(x: p.x, y: p.y))
                    }
                    x += step
                }
                y += step
            }
        }
        values.sort()
        let paper = values.isEmpty ? 0 : values[Int(Double(values.count - 1) * 0.9)]
        let ink = values.isEmpty ? 0 : values[Int(Double(values.count - 1) * 0.01)]
        let edge = edgeWidth(page, template: template, transform: transform, paper: paper, ink: ink)
        var problems: [String] = []
        let insideFraction = total > 0 ? Double(inside) / Double(total) : 0
        if insideFraction < minimumInside && !boxesInside(template: template, transform: transform, width: page.width, height: page.height) {
            problems.append("part of the page is outside the photo (\(Int(((1 - insideFraction) * 100).rounded()))% missing): retake the photo with the whole sheet in the frame")
        }
        // The limits below were measured on pages whose boxes are about 50 template px wide.
        let unit = template.boxUnit
        if scale < minimumScale / unit {
            problems.append("the page is too small in the photo: retake it closer, so the sheet fills the frame")
        }
        if paper < minimumPaper {
            problems.append("the photo is too dark: retake it in better light (or with the flash)")
        } else if paper - ink < minimumContrast {
            problems.append("the photo is washed out (the print barely stands out): retake it without glare or strong light on the sheet")
        }
        if edge > maximumEdgeWidth * unit {
            if scale < lowResolutionScale / unit && edge * scale <= sharpImagePixels {
                // Sharp for its size, but the page has too few pixels: a copy shrunk by a
                // messaging app, or a page far from the camera.
                problems.append("the photo has too few pixels to read the digits (the page is \(Int((scale * 100).rounded()))% of the size needed): send the original photo, not a copy shrunk by a messaging app, or take it closer")
            } else {
                problems.append("the photo is blurred: hold the phone still, let it focus, and retake it")
            }
        }
        return ImageQuality(paper: paper, contrast: paper - ink, edgeWidth: (edge * 100).rounded() / 100, scale: scale,
                            inside: (insideFraction * 1000).rounded() / 1000, problems: problems)
    }

    /// Whether every digit box, grown by `boxMargin` on each side, lies inside the photo.
    static func boxesInside(template: Template, transform: Homography, width: Int, height: Int) -> Bool {
        template.fields.allSatisfy { f in
            f.boxes.allSatisfy { b in
                let (mx, my) = (b[2] * boxMargin, b[3] * boxMargin)
                return [(b[0] - mx, b[1] - my), (b[0] + b[2] + mx, b[1] - my), (b[0] - mx, b[1] + b[3] + my), (b[0] + b[2] + mx, b[1] + b[3] + my)]
                    .allSatisfy { x, y in
                        let p = transform.apply(x, y)
                        return p.x >= 0 && p.y >= 0 && p.x < Double(width) && p.y < Double(height)
                    }
            }
        }
    }

    /// Median edge width of the horizontal ruled lines: along each sampled point, the steepest
    /// step of the line's profile compared with the paper-to-ink contrast.
    static func edgeWidth(_ page: GrayImage, template: Template, transform: Homography, paper: Double, ink: Double) -> Double {
        let contrast = max(1, paper - ink)
        var widths: [Double] = []
        page.withSampler { img in
            for l in template.lines.horizontal {
                let (y, x0, x1) = (l[0], min(l[1], l[2]), max(l[1], l[2]))
                var x = x0 + 20
                while x < x1 - 20 {
                    // Profile across the line, in template pixels (quarter-pixel steps).
                    var prev: Double?
                    var steepest = 0.0, darkest = 255.0
                    var o = -6.0
                    while o <= 6.0 {
                        let p = transform.apply(x, y + o)
                        let v = img.sample(x: p.x, y: p.y)
                        darkest = min(darkest, v)
                        if let prev { steepest = max(steepest, abs(v - prev) / 0.25) }
                        prev = v
                        o += 0.25
                    }
                    // Only where the line is really there (not under a stamp or cut off).
                    if paper - darkest > contrast * 0.5, steepest > 0 { widths.append(min(20, (paper - darkest) / steepest)) }
                    x += 40
                }
            }
        }
        guard !widths.isEmpty else { return 20 }
        widths.sort()
        return widths[widths.count / 2]
    }

    /// For an image where no form was found: whether the picture itself is the likely reason
    /// (too dark, blurred), in the words a person acts on; nil when it looks fine.
    public static func hint(for original: GrayImage) -> String? {
        // At about scan resolution: a 12 MP photo spreads even a sharp edge over a few pixels.
        let k = min(1, 1800 / Double(max(original.width, original.height)))
        let image = k < 1 ? original.resized(width: Int(Double(original.width) * k), height: Int(Double(original.height) * k)) : original
        // Every other pixel on every other row is plenty.
        var levels: [Double] = [], steps: [Double] = []
        image.withSampler { img in
            var y = 2
            while y < img.height - 2 {
                var x = 2
                while x < img.width - 2 {
                    let v = img.sample(x: Double(x), y: Double(y))
                    levels.append(v)
                    steps.append(max(abs(img.sample(x: Double(x + 1), y: Double(y)) - img.sample(x: Double(x - 1), y: Double(y))),
                                     abs(img.sample(x: Double(x), y: Double(y + 1)) - img.sample(x: Double(x), y: Double(y - 1)))) / 2)
                    x += 2
                }
                y += 2
            }
        }
        guard levels.count > 100 else { return nil }
        levels.sort(); steps.sort()
        let paper = levels[Int(Double(levels.count - 1) * 0.9)], ink = levels[Int(Double(levels.count - 1) * 0.01)]
        if paper < minimumPaper { return "the photo is too dark: retake it in better light (or with the flash)" }
        // On a sharp page the steepest steps (printed lines, text) cover most of the contrast in
        // one pixel; blur spreads them over several.
        let steepest = steps[Int(Double(steps.count - 1) * 0.995)]
        if steepest / max(1, paper - ink) < minimumSharpness { return "the photo looks blurred: hold the phone still, let it focus, and retake it" }
        return nil
    }

    /// Steepest one-pixel step (99.5th percentile, at scan resolution) over paper-to-ink
    /// contrast, below which a picture is called blurred. Measured: sharp scans 0.34–0.50,
    /// 12 MP phone photos of 2024 pages 0.16–0.30, scans blurred with σ 3 and 5: 0.11, 0.07
    /// (σ 2: 0.15, told only that no known page was found).
    public static let minimumSharpness = 0.13
}

import DigitReader

/// After registration, looks for the template's corner marks (solid black squares) where the fit
/// puts them: an independent check of the fit, reported for audit. Not used to compute it, so a
/// page whose marks are cut off or covered still registers on its ruled lines.
enum MarkCheck {
    /// How many marks were found near their predicted place, and the RMS distance (template
    /// pixels) between predicted and found centres.
    static func check(_ image: GrayImage, template: Template, transform: Homography) -> (found: Int, residual: Double?) {
        var errors: [Double] = []
        for m in template.marks where m.count == 4 {
            let (mx, my, mw, mh) = (m[0], m[1], m[2], m[3])
            // Search window: the mark and half a mark-size around it, in template pixels.
            let x0 = mx - mw / 2, y0 = my - mh / 2, w = 2 * mw, h = 2 * mh
            var sumX = 0.0, sumY = 0.0, count = 0.0
            let step = 1.0
            var y = y0
            while y < y0 + h {
                var x = x0
                while x < x0 + w {
                    let p = transform.apply(x, y)
                    if p.x >= 0, p.y >= 0, p.x < Double(image.width), p.y < Double(image.height),
                       image.sample(x: p.x, y: p.y) < 90 {
                        sumX += x; sumY += y; count += 1
                    }
                    x += step
                }
                y += step
            }
            // A solid square of the mark's size: about mw*mh dark cells, not a page of text.
            let expected = mw * mh * (template.markFill ?? 1)
            guard count > 0.6 * expected, count < 1.6 * expected else { continue }
            let cx = sumX / count, cy = sumY / count
            errors.append(((cx - (mx + mw / 2)) * (cx - (mx + mw / 2)) + (cy - (my + mh / 2)) * (cy - (my + mh / 2))).squareRoot())
        }
        guard !errors.isEmpty else { return (0, nil) }
        return (errors.count, (errors.reduce(0) { $0 + $1 * $1 } / Double(errors.count)).squareRoot())
    }
}

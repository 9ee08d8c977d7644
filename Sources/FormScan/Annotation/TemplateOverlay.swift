import DigitReader
import Foundation

/// `scan-c1 templates show`: a template drawn over its reference image, so that a person sees
/// at once a box on the wrong cell, a line off the print, a mark in the wrong corner.
public enum TemplateOverlay {
    public static let lineColor: (UInt8, UInt8, UInt8) = (0, 110, 255)
    public static let perspectiveColor: (UInt8, UInt8, UInt8) = (0, 190, 200)
    public static let markColor: (UInt8, UInt8, UInt8) = (220, 0, 220)
    public static let boxColor: (UInt8, UInt8, UInt8) = (230, 0, 0)
    public static let bubbleColor: (UInt8, UInt8, UInt8) = (0, 160, 0)
    public static let labelColor: (UInt8, UInt8, UInt8) = (150, 0, 0)

    /// The reference image (`image`, in the template's pixels) with every ruled line, mark, box
    /// (its field id beside the units box) and bubble drawn over it, and a legend below.
    public static func draw(_ loaded: LoadedTemplate, on image: GrayImage) -> RGBImage {
        let t = loaded.template
        let font = Annotator.font(8)
        let legendHeight = 28
        var canvas = RGBImage(width: image.width, height: image.height + legendHeight)
        // The print faded, so that what is drawn stands out.
        var faded = image
        for i in faded.pixels.indices {
            let v = Int(faded.pixels[i])
            faded.pixels[i] = UInt8(155 + v * 100 / 255)
        }
        canvas.paste(faded, x: 0, y: 0)
        func hline(_ l: [Double], _ c: (UInt8, UInt8, UInt8)) {
            canvas.fill(x: Int(l[1].rounded()), y: Int(l[0].rounded()) - 1, width: max(1, Int((l[2] - l[1]).rounded())), height: 2, color: c)
        }
        func vline(_ l: [Double], _ c: (UInt8, UInt8, UInt8)) {
            canvas.fill(x: Int(l[0].rounded()) - 1, y: Int(l[1].rounded()), width: 2, height: max(1, Int((l[2] - l[1]).rounded())), color: c)
        }
        for l in t.perspectiveLines?.horizontal ?? [] { hline(l, perspectiveColor) }
        for l in t.perspectiveLines?.vertical ?? [] { vline(l, perspectiveColor) }
        for l in t.lines.horizontal { hline(l, lineColor) }
        for l in t.lines.vertical { vline(l, lineColor) }
        for m in t.marks where m.count == 4 {
            canvas.strokeRect(x: Int(m[0].rounded()) - 3, y: Int(m[1].rounded()) - 3, width: Int(m[2].rounded()) + 6,
                              height: Int(m[3].rounded()) + 6, color: markColor, thickness: 3)
        }
        let radius = t.bubbleRadius ?? 7
        for f in t.fields {
            for b in f.boxes where b.count == 4 {
                canvas.strokeRect(x: Int(b[0].rounded()), y: Int(b[1].rounded()), width: Int(b[2].rounded()), height: Int(b[3].rounded()),
                                  color: boxColor, thickness: 2)
            }
            for column in f.bubbles ?? [] {
                for c in column where c.count == 2 { circle(&canvas, x: c[0], y: c[1], r: radius, color: bubbleColor) }
            }
            // The id in small letters inside the top of the hundreds box, on a white ground:
            // one number's id never runs over the next one's boxes.
            if let small = Annotator.font(4), let first = f.boxes.first, first.count == 4 {
                let mask = small.render(f.id)
                let x = Int(first[0].rounded()) + 3, y = Int(first[1].rounded()) + 3
                canvas.fill(x: x - 1, y: y - 1, width: mask.width + 2, height: mask.height + 2, color: (255, 255, 255))
                canvas.draw(mask, x: x, y: y, color: labelColor)
            }
        }
        // Legend.
        canvas.fill(x: 0, y: image.height, width: image.width, height: legendHeight, color: (255, 255, 255))
        if let font {
            var x = 8
            let y = image.height + 8
            for (name, c) in [("ruled line", lineColor), ("perspective line", perspectiveColor), ("mark", markColor),
                              ("digit box + field id", boxColor), ("bubble", bubbleColor)] {
                canvas.fill(x: x, y: y + 2, width: 14, height: 8, color: c)
                let mask = font.render(name)
                canvas.draw(mask, x: x + 18, y: y, color: (0, 0, 0))
                x += 18 + mask.width + 20
            }
            let title = font.render("\(t.id): \(t.fields.count) fields, \(t.lines.horizontal.count + t.lines.vertical.count) lines, \(t.marks.count) marks")
            if x + title.width + 8 < image.width { canvas.draw(title, x: image.width - title.width - 8, y: y, color: (60, 60, 60)) }
        }
        return canvas
    }

    static func circle(_ canvas: inout RGBImage, x: Double, y: Double, r: Double, color: (UInt8, UInt8, UInt8)) {
        let steps = max(16, Int(r * 8))
        for i in 0..<steps {
            let a = Double(i) / Double(steps) * 2 * .pi
            canvas.set(Int((x + r * cos(a)).rounded()), Int((y + r * sin(a)).rounded()), color)
        }
    }
}

extension TemplateOverlay {
    /// The template file at `file` drawn over its reference image (found beside it).
    public static func render(file: String, loader: ImageLoader = ImageLoader(workingLongSide: 100_000)) throws(FormScanError) -> RGBImage {
        let loaded = try TemplateStore.load(file: file)
        let image = try loader.load(loaded.referenceImagePath).image
        return draw(loaded, on: image)
    }
}

import DigitReader
import Foundation

/// One page of one form: where its boxes are, how to find it in a photo, what must add up.
/// The file format is documented in `Templates/README.md`.
public struct Template: Sendable, Codable {
    public var id: String
    public var title: String
    /// Text of the page's printed code (barcode), when it has one.
    public var pageCode: String?
    /// Id of the 36h10 AprilTag printed on the page (2024: 101-103), when it has one.
    public var aprilTag: Int?
    /// File name of the reference image beside the JSON.
    public var referenceImage: String
    public var referenceSource: String?
    /// Size of the reference image; every coordinate below is in its pixels.
    public var width: Double
    public var height: Double
    /// Registration marks (black squares) as `[x, y, w, h]`.
    public var marks: [[Double]]
    /// Fraction of a mark's box that is ink: 1 for solid squares (the default), 0.5 for the
    /// stepped marks of 2024 (two squares touching at a corner).
    public var markFill: Double?
    /// Radius of the printed bubbles (template pixels), where fields have them.
    public var bubbleRadius: Double?
    /// Ruled lines used to register a photo onto the reference.
    public var lines: RuledLines
    /// More ruled lines, far from the boxes (a section column, a signature block), used only by
    /// the fine fit: they hold the perspective of a tilted photo across the whole page. The
    /// coarse search, the page ranking and the image-quality gate keep to `lines`.
    public var perspectiveLines: RuledLines?
    /// What the form tells officers to write in an unused leading box: `X` (the default) or
    /// `-` (the 2019 DPR plano sheets). Readers accept either; exported training crops are
    /// labelled with it.
    public var filler: String?
    public var fields: [Field]
    public var rules: [RuleSpec]
    /// Rules across the pages of one station; `TEMPLATE_ID.field` names another page's field.
    public var stationRules: [RuleSpec]?

    public struct RuledLines: Sendable, Codable {
        /// `[y, x0, x1]`: a horizontal line at height y from x0 to x1.
        public var horizontal: [[Double]]
        /// `[x, y0, y1]`: a vertical line at x from y0 to y1.
        public var vertical: [[Double]]
    }

    public struct Field: Sendable, Codable {
        /// Canonical id (see FORMS.md), e.g. `pemilih_dpt_l`.
        public var id: String
        /// The form's own wording.
        public var label: String
        /// The 3 digit boxes, hundreds first, each `[x, y, w, h]` from box line to box line.
        public var boxes: [[Double]]
        /// 2024 page 2: under each box, the centres `[x, y]` of its ten bubbles, 0 to 9.
        public var bubbles: [[[Double]]]?
        /// The line where the number is written in words ("(ditulis dengan huruf)"), as
        /// `[x, y, w, h]` between its ruled lines, when the page has one for this field.
        public var words: [Double]?

        /// `words` as a rectangle.
        public var wordsRect: Rect? { words.flatMap { $0.count == 4 ? Rect($0) : nil } }
    }

    public struct RuleSpec: Sendable, Codable {
        /// e.g. `pemilih_total_l = pemilih_dpt_l + pemilih_dptb_l + pemilih_dpk_l`.
        public var rule: String
        public var label: String?
        /// Soft rules warn; they never reject a reading.
        public var soft: Bool?
    }

    public func field(_ id: String) -> Field? { fields.first { $0.id == id } }

    /// The filler as a box symbol (`X` unless the template says `-`).
    public var fillerSymbol: BoxSymbol { filler == "-" ? .dash : .cross }

    /// How many times wider this page's digit boxes are drawn, in template pixels, than the 2019
    /// sheets' (about 50 px: where the registration and quality limits were measured); at least
    /// 1. A limit in template pixels (a residual, an edge's width) grows by it, one in image
    /// pixels per template pixel (the page's scale) shrinks by it, so that each keeps its size
    /// against a box: the plano sheet's template draws its boxes 64 px wide (1.27).
    public var boxUnit: Double {
        let widths = fields.flatMap { $0.boxes.map { $0[2] } }.sorted()
        guard !widths.isEmpty else { return 1 }
        return max(1, widths[widths.count / 2] / Self.referenceBoxWidth)
    }
    /// Box width (template pixels) of the 2019 Lembar 1 and 2 templates.
    static let referenceBoxWidth = 50.5
}

/// A rectangle in some pixel frame.
public struct Rect: Sendable, Codable, Equatable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    init(_ a: [Double]) { self.init(x: a[0], y: a[1], width: a[2], height: a[3]) }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }
}

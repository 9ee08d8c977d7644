/// A cleaned digit box as FormScan hands it to the readers.
///
/// `ink` is the tight crop around the ink, black on white, with the printed box lines and
/// specks already removed. An empty box has `isBlank` set and a 0x0 `ink`.
public struct BoxCrop: Sendable {
    public var ink: GrayImage
    /// Fraction of the box interior covered by ink (0…1).
    public var inkFraction: Double
    /// True when the box holds no ink worth reading.
    public var isBlank: Bool
    /// Interior size of the box the ink came from, in template pixels (0 when unknown: a crop
    /// stored without its box).
    public var boxWidth: Int
    public var boxHeight: Int
    /// Only ink much lighter than a pen's was found (kept, stretched to black): the box may as
    /// well be blank, and its reading says so (`BoxReader.faintBlank`).
    public var faint = false
    /// The ink again with strokes much lighter than a pen's kept (they were left out of `ink`),
    /// when that finds clearly more: the box is read both ways (`BoxReader`).
    public var fainterInk: GrayImage?

    public init(ink: GrayImage, inkFraction: Double, isBlank: Bool, boxWidth: Int, boxHeight: Int) {
        self.ink = ink
        self.inkFraction = inkFraction
        self.isBlank = isBlank
        self.boxWidth = boxWidth
        self.boxHeight = boxHeight
    }

    /// Where the ink meets one of the box's side walls: the point (`x`, `y`, in template pixels
    /// from the box's top-left corner) and the stroke's slope there (rows per column, measured
    /// over the few columns next to the wall).
    public struct WallContact: Sendable, Equatable {
        public var x: Double, y: Double, slope: Double
        public init(x: Double, y: Double, slope: Double) { self.x = x; self.y = y; self.slope = slope }
    }
    /// Where the ink touches the left and right walls (nil: it does not).
    public var wallContact: (left: WallContact?, right: WallContact?) = (nil, nil)
    /// The ink goes on through a wall into the neighbouring box, which has ink touching the
    /// same wall at the same height (set by FormScan, which sees the neighbours): part of a
    /// filler stroke drawn across boxes, such as an `X` over a whole row, whose part in one box
    /// is a lone diagonal or bar. Digits stay inside their boxes.
    public var crossesIntoNeighbour = false
    /// The stroke through that wall is slanted (`crossesIntoNeighbour` set too): a piece of an
    /// `X`'s diagonal, not a dash drawn across boxes, whatever its lone piece looks like (a
    /// shallow diagonal, the point of a V).
    public var crossingIsSlanted = false

    /// The ink reaches from the box's left wall to its right wall (within 2 px of each, the
    /// band where FormScan counts ink as touching a wall): never a 1, which is narrow (on the 20 real 2019 pages no 1 does and one other
    /// digit, a 2 with a long tail; over 100 pieces of Xs do). A stroke from wall to wall read
    /// as 1 is a diagonal of an `X`.
    public var spansWallToWall: Bool { !isBlank && boxWidth > 0 && ink.width >= boxWidth - 4 }

    /// The ink scaled to fit `inner`×`inner` (aspect kept), centred on its centre of mass in a
    /// `size`×`size` white square: the MNIST convention (20 in 28), used by learned readers.
    public func normalized(size: Int = 28, inner: Int = 20) -> GrayImage {
        var out = GrayImage(width: size, height: size)
        guard !isBlank, ink.width > 0, ink.height > 0 else { return out }
        let scale = Double(inner) / Double(max(ink.width, ink.height))
        let w = max(1, Int((Double(ink.width) * scale).rounded()))
        let h = max(1, Int((Double(ink.height) * scale).rounded()))
        let small = ink.resized(width: w, height: h)
        // centre of mass of the ink (darkness-weighted)
        var mx = 0.0, my = 0.0, m = 0.0
        for y in 0..<h { for x in 0..<w {
            let d = Double(255 - small[x, y]); mx += d * Double(x); my += d * Double(y); m += d
        } }
        let cx = m > 0 ? mx / m : Double(w) / 2, cy = m > 0 ? my / m : Double(h) / 2
        let ox = Int((Double(size) / 2 - cx).rounded()), oy = Int((Double(size) / 2 - cy).rounded())
        let clampedX = min(max(ox, 0), size - w), clampedY = min(max(oy, 0), size - h)
        for y in 0..<h { for x in 0..<w { out[x + clampedX, y + clampedY] = small[x, y] } }
        return out
    }
}

import Foundation

/// Reads each box twice, like double data entry: Tesseract and the learned classifier, each
/// independently, then combines them. Disagreement lowers the combined probability, and both
/// readings are kept so a person can see them.
///
/// The classifier is the faster reader (about 0.25 ms a box against Tesseract's 2 ms), so it
/// can read first (`firstReading`) and a caller that needs the second opinion only where it
/// can change something asks for it with `read(_:first:)`.
///
/// Not thread-safe (it owns a Tesseract engine): one per worker.
public final class BoxReader {
    public let tesseract: TesseractDigitReader
    public let classifier: ClassifierEnsemble?
    /// Weight of Tesseract's opinion in the log-linear combination (the classifier's is 1).
    public var tesseractWeight = 0.5
    /// Floor under Tesseract's probabilities, so that a class it did not list is unlikely, not impossible.
    public var tesseractFloor = 0.05

    public init(models: ModelLocator = ModelLocator()) throws(DigitReaderError) {
        tesseract = try TesseractDigitReader(models: models)
        let paths = try models.classifierPaths()
        if !paths.isEmpty {
            classifier = try ClassifierEnsemble(paths: paths)
        } else {
            classifier = nil
        }
    }

    /// The classifier's reading alone; nil when there is no classifier (Tesseract then reads
    /// alone) or the box is blank.
    public func firstReading(_ crop: BoxCrop) -> BoxReading? {
        guard let classifier, !crop.isBlank else { return nil }
        let p = classifier.probabilities(crop.normalized())
        // Every class is kept, however unlikely: the combination multiplies these.
        return BoxReading(candidates: zip(ConvNet.classes, p).map { Candidate(symbol: $0, probability: $1) }, source: "classifier")
    }

    /// The combined reading plus each reader's own.
    public func read(_ crop: BoxCrop) -> (combined: BoxReading, readers: [BoxReading]) {
        read(crop, first: firstReading(crop))
    }

    /// Whether `read(_:first:)` would only confirm a sure `first` reading: no fainter strokes,
    /// no faint-only ink, no stroke into the next box, no 1 from wall to wall. Where it would
    /// do more, the second reading is taken whatever `first` says (`PageReading`).
    public static func leavesAlone(_ crop: BoxCrop, first: BoxReading) -> Bool {
        !crop.faint && crop.fainterInk == nil && !crop.crossesIntoNeighbour
            && !(crop.spansWallToWall && first.best?.symbol == .digit(1))
    }

    /// The combined reading plus each reader's own, reusing the classifier's reading `first`
    /// (from `firstReading`) when the caller already has it.
    public func read(_ crop: BoxCrop, first: BoxReading?) -> (combined: BoxReading, readers: [BoxReading]) {
        if crop.isBlank { return (.blank, [.blank]) }
        var (combined, readers) = combination(crop, first: first)
        // Read again with the fainter strokes kept, which counts for `fainterWeight`.
        if let fainter = crop.fainterInk {
            var other = crop
            (other.ink, other.fainterInk) = (fainter, nil)
            combined = combined.mixed(with: combination(other, first: nil).combined, weight: Self.fainterWeight)
        }
        // Only faint ink: blank keeps `faintBlank`.
        if crop.faint { combined = combined.mixed(with: Self.certainlyBlank, weight: Self.faintBlank) }
        // A stroke that goes on into the neighbouring box: part of a filler drawn across boxes,
        // whatever its lone piece looks like (a diagonal read as 1, a bar read as -).
        if crop.crossesIntoNeighbour { combined = Self.asFiller(combined, slanted: crop.crossingIsSlanted) }
        if crop.spansWallToWall { combined = Self.notAOne(combined) }
        return (combined, readers)
    }

    /// Tesseract's and the classifier's readings of the crop's ink combined, and each alone.
    func combination(_ crop: BoxCrop, first: BoxReading?) -> (combined: BoxReading, readers: [BoxReading]) {
        let t = tesseract.read(crop)
        guard let c = first ?? firstReading(crop) else { return (t, [t]) }
        var scores: [BoxSymbol: Double] = [:]
        for symbol in ConvNet.classes {
            let pt = tesseractFloor + (1 - tesseractFloor) * t.probability(of: symbol)
            scores[symbol] = c.probability(of: symbol) * pow(pt, tesseractWeight)
        }
        let total = scores.values.reduce(0, +)
        // Every class is kept, as in the classifier's reading: the ranking goes on below 0.1%
        // (results list only candidates from 0.1%, the rules use only those from 2%).
        let combined = BoxReading(candidates: scores.map { Candidate(symbol: $0.key, probability: total > 0 ? $0.value / total : 0) },
                                  source: "combined")
        return (combined, [t, c])
    }

    /// Weight of the reading with the fainter strokes kept: enough for the form's rules to
    /// choose it over the first (at least 0.3 of it), and a clear first reading stays first and
    /// above the reconciler's "unsure" mark.
    public static let fainterWeight = 0.3

    /// Probability that a box holding only faint ink is blank (a light mark, a smudge, the
    /// form's background print): the readers' symbols share the rest. A faint digit thus stays
    /// the first reading but never a sure one, and the form's rules can choose blank instead.
    public static let faintBlank = 0.35

    /// Share of a crossing box's digit readings moved to the fillers (`X` 0.8, `-` 0.2): enough
    /// to put `X` first over a sure digit (a lone diagonal read "1 (100%)" becomes "X 48%, 1 40%"),
    /// never a sure reading, so the number goes to a person unless the rules settle it. A box
    /// already read as a filler keeps its reading, except that a `slanted` stroke is an `X`'s
    /// diagonal: the same share of a dash reading moves to `X`, and all of the digits' share.
    public static let crossingFiller = 0.6

    public static func asFiller(_ reading: BoxReading, slanted: Bool = false) -> BoxReading {
        func moves(_ symbol: BoxSymbol) -> Bool { symbol.digitValue != nil || (slanted && symbol == .dash) }
        let share = reading.candidates.filter { moves($0.symbol) }.reduce(0) { $0 + $1.probability }
        let moved = crossingFiller * share
        var out = reading.candidates.map { c in
            Candidate(symbol: c.symbol, probability: moves(c.symbol) ? c.probability * (1 - crossingFiller) : c.probability)
        }
        for (symbol, share) in slanted ? [(BoxSymbol.cross, 1.0)] : [(BoxSymbol.cross, 0.8), (.dash, 0.2)] {
            if let i = out.firstIndex(where: { $0.symbol == symbol }) { out[i].probability += moved * share }
            else { out.append(Candidate(symbol: symbol, probability: moved * share)) }
        }
        return BoxReading(candidates: out, source: reading.source)
    }

    /// Ink from wall to wall read first as 1: `crossingFiller` of the 1's share moves to `X` (a
    /// lone diagonal "1 100%" becomes "X 60%, 1 40%": a filler first, never surely). Other
    /// readings are left alone: a wide 3 with some weight on 1 is not made an `X`.
    public static func notAOne(_ reading: BoxReading) -> BoxReading {
        guard reading.best?.symbol == .digit(1) else { return reading }
        let one = reading.probability(of: .digit(1))
        var out = reading.candidates.filter { $0.symbol != .digit(1) && $0.symbol != .cross }
        out.append(Candidate(symbol: .digit(1), probability: one * (1 - crossingFiller)))
        out.append(Candidate(symbol: .cross, probability: reading.probability(of: .cross) + one * crossingFiller))
        return BoxReading(candidates: out, source: reading.source)
    }

    static let certainlyBlank = BoxReading(candidates: [Candidate(symbol: .blank, probability: 1)], source: "ink")
}

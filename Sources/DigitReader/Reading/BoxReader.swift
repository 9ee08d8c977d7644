import Foundation

/// Reads each box twice, like double data entry: Tesseract and the learned classifier, each
/// independently, then combines them. Disagreement lowers the combined probability, and both
/// readings are kept so a person can see them.
///
/// Not thread-safe (it owns a Tesseract engine): one per worker.
public final class BoxReader {
    public let tesseract: TesseractDigitReader
    public let classifier: ConvNet?
    /// Weight of Tesseract's opinion in the log-linear combination (the classifier's is 1).
    public var tesseractWeight = 0.5
    /// Floor under Tesseract's probabilities, so that a class it did not list is unlikely, not impossible.
    public var tesseractFloor = 0.05

    public init(models: ModelLocator = ModelLocator()) throws(DigitReaderError) {
        tesseract = try TesseractDigitReader(models: models)
        if let path = try models.classifierPath() {
            classifier = try ConvNet(contentsOf: path)
        } else {
            classifier = nil
        }
    }

    /// The combined reading plus each reader's own.
    public func read(_ crop: BoxCrop) -> (combined: BoxReading, readers: [BoxReading]) {
        if crop.isBlank {
            let r = BoxReading(candidates: [Candidate(symbol: .blank, probability: 0.99)], source: "ink")
            return (r, [r])
        }
        let t = tesseract.read(crop)
        guard let classifier else { return (t, [t]) }
        let p = classifier.probabilities(crop.normalized())
        let c = BoxReading(candidates: zip(ConvNet.classes, p).map { Candidate(symbol: $0, probability: $1) }
                            .filter { $0.probability >= 0.001 }, source: "classifier")
        var scores: [BoxSymbol: Double] = [:]
        for (symbol, pc) in zip(ConvNet.classes, p) {
            let pt = tesseractFloor + (1 - tesseractFloor) * t.probability(of: symbol)
            scores[symbol] = pc * pow(pt, tesseractWeight)
        }
        let total = scores.values.reduce(0, +)
        let combined = BoxReading(candidates: scores.map { Candidate(symbol: $0.key, probability: total > 0 ? $0.value / total : 0) }
                                    .filter { $0.probability >= 0.001 }, source: "combined")
        return (combined, [t, c])
    }
}

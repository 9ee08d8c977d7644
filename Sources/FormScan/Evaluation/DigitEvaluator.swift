import DigitReader
import Foundation

/// Measures the box readers on a folder of labelled crops: `DIR/<label>/<image>` with label
/// `0`–`9`, `X` or `dash` (the layout `scan-c1 digits export` writes). Images are ink crops
/// (dark ink on light paper); any margin around the ink is trimmed.
public struct DigitEvaluator {
    public var reader: BoxReader

    public init(reader: BoxReader) { self.reader = reader }

    public struct ReaderScore: Sendable, Codable {
        public var reader: String
        public var total = 0
        public var top1 = 0
        public var top3 = 0
        /// confusion[truth][read], over `0`–`9`, `X`, `-`, blank, none.
        public var confusion: [[Int]] = Array(repeating: Array(repeating: 0, count: 14), count: 14)
        public var misses: [String] = []
        /// Reliability table: per confidence decile of the top candidate, count and correct.
        public var reliability: [[Int]] = Array(repeating: [0, 0], count: 10)
        public var confidenceSum: [Double] = Array(repeating: 0, count: 10)
        public var milliseconds: [Double] = []

        public var accuracy: Double { total == 0 ? 0 : Double(top1) / Double(total) }
        public var top3Accuracy: Double { total == 0 ? 0 : Double(top3) / Double(total) }
        /// Expected calibration error of the top candidate's probability.
        public var expectedCalibrationError: Double {
            guard total > 0 else { return 0 }
            var e = 0.0
            for i in 0..<10 where reliability[i][0] > 0 {
                let n = Double(reliability[i][0])
                e += n / Double(total) * abs(Double(reliability[i][1]) / n - confidenceSum[i] / n)
            }
            return e
        }
        public var medianMilliseconds: Double {
            let s = milliseconds.sorted()
            return s.isEmpty ? 0 : s[s.count / 2]
        }
    }

    static let labels: [String: BoxSymbol] = {
        var m: [String: BoxSymbol] = ["X": .cross, "dash": .dash, "-": .dash]
        for d in 0...9 { m[String(d)] = .digit(d) }
        return m
    }()

    /// A crop from a stored image: trims paper around the ink. `box` is what the file says of
    /// the box it was cut from (`PGM.box`); unknown, the box is 0x0.
    public static func crop(from image: GrayImage, box: PGM.Box? = nil) -> BoxCrop {
        var minX = image.width, minY = image.height, maxX = -1, maxY = -1, count = 0
        for y in 0..<image.height { for x in 0..<image.width where image[x, y] < 160 {
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y); count += 1
        } }
        let boxWidth = box?.width ?? 0, boxHeight = box?.height ?? 0
        if count < 3 { return BoxCrop(ink: GrayImage(width: 0, height: 0), inkFraction: 0, isBlank: true, boxWidth: boxWidth, boxHeight: boxHeight) }
        let ink = image.cropped(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
        var crop = BoxCrop(ink: ink, inkFraction: Double(count) / Double(image.width * image.height), isBlank: false,
                           boxWidth: boxWidth, boxHeight: boxHeight)
        crop.crossesIntoNeighbour = box?.crosses ?? false
        crop.crossingIsSlanted = box?.slanted ?? false
        return crop
    }

    public func run(directory: String, limitPerClass: Int? = nil) throws(FormScanError) -> [ReaderScore] {
        let fm = FileManager.default
        var scores = ["tesseract", "classifier", "combined"].map { ReaderScore(reader: $0) }
        var timings: [String: [Double]] = [:]
        let loader = ImageLoader()
        let labelDirs = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for labelName in labelDirs {
            guard let truth = Self.labels[labelName] else { continue }
            let dir = (directory as NSString).appendingPathComponent(labelName)
            var files = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            if let limitPerClass { files = Array(files.prefix(limitPerClass)) }
            for file in files {
                let path = (dir as NSString).appendingPathComponent(file)
                // A crop that cannot be read is an error in the data set, not a crop to skip quietly.
                let image = try loader.load(path).image
                let crop = Self.crop(from: image, box: PGM.box(ofFileAt: path))
                // Each reader timed on its own, then the combination (which runs both).
                if !crop.isBlank {
                    var t0 = ContinuousClock.now
                    _ = reader.tesseract.read(crop)
                    timings["tesseract", default: []].append(Self.ms(ContinuousClock.now - t0))
                    if let c = reader.classifier {
                        t0 = ContinuousClock.now
                        _ = c.probabilities(crop.normalized())
                        timings["classifier", default: []].append(Self.ms(ContinuousClock.now - t0))
                    }
                }
                let start = ContinuousClock.now
                let (combined, readers) = reader.read(crop)
                let total = ContinuousClock.now - start
                let byName = Dictionary(readers.map { ($0.source, $0) }, uniquingKeysWith: { a, _ in a })
                for i in scores.indices {
                    let reading: BoxReading?
                    switch scores[i].reader {
                    case "combined": reading = combined
                    default: reading = byName[scores[i].reader]
                    }
                    guard let reading else { continue }
                    if scores[i].reader == "combined" { scores[i].milliseconds.append(Self.ms(total)) }
                    Self.score(&scores[i], reading: reading, truth: truth, name: "\(labelName)/\(file)")
                }
            }
        }
        for i in scores.indices where scores[i].reader != "combined" { scores[i].milliseconds = timings[scores[i].reader] ?? [] }
        return scores.filter { $0.total > 0 }
    }

    static func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    static func score(_ s: inout ReaderScore, reading: BoxReading, truth: BoxSymbol, name: String) {
        s.total += 1
        let top = reading.candidates.first
        let readIndex = top.map { $0.symbol.classIndex } ?? 13
        s.confusion[truth.classIndex][readIndex] += 1
        let inTopThree = reading.candidates.prefix(3).contains { $0.symbol == truth }
        if inTopThree { s.top3 += 1 }
        if top?.symbol == truth { s.top1 += 1 } else {
            // The first three candidates, so a miss outside the top three shows as one.
            let shown = reading.candidates.prefix(3).map { "\($0.symbol) (\(Int(($0.probability * 100).rounded()))%)" }
            s.misses.append("\(name): read \(shown.isEmpty ? "nothing" : shown.joined(separator: ", "))\(inTopThree ? "" : "; not in the first three")")
        }
        let p = top?.probability ?? 0
        let bin = min(9, Int(p * 10))
        s.reliability[bin][0] += 1
        s.confidenceSum[bin] += p
        if top?.symbol == truth { s.reliability[bin][1] += 1 }
    }
}

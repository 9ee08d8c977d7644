import DigitReader
import FormScan
import Foundation
import Testing

@Suite("The shipped readers")
struct ModelTests {
    static let crops = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/crops")

    static var labelledCrops: [String] {
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: crops.path)) ?? []).sorted().flatMap { label in
            ((try? fm.contentsOfDirectory(atPath: crops.appendingPathComponent(label).path)) ?? []).map { "\(label)/\($0)" }
        }
    }

    @Test func modelsLoadFromTheCheckout() throws {
        let reader = try BoxReader()
        #expect(reader.classifier != nil, "the classifier weights ship in Sources/DigitReader/Models")
        // The Tesseract model trained by this project ships too, and is found before any system one.
        let located = try ModelLocator().locate()
        #expect(located.language == "digits")
        #expect(located.directory.hasSuffix("Models"))
        #expect(reader.tesseract.engine.modelPath.hasSuffix("Models/digits.traineddata"))
    }

    @Test("real box crops read correctly", arguments: labelledCrops)
    func realCropReads(crop: String) throws {
        let reader = try BoxReader()
        let image = try ImageLoader().load(Self.crops.appendingPathComponent(crop).path).image
        let (combined, readers) = reader.read(DigitEvaluator.crop(from: image))
        let truth = BoxSymbol(String(crop.split(separator: "/")[0]))!
        #expect(combined.best?.symbol == truth, "read \(combined.candidates.prefix(3)); readers \(readers.map { "\($0.source): \($0.best?.symbol.description ?? "-")" })")
        #expect(readers.count == 2)
        let total = combined.candidates.reduce(0) { $0 + $1.probability }
        #expect(total <= 1.0001)
    }

    @Test func missingClassifierFileNamesThePath() {
        #expect(throws: DigitReaderError.modelUnreadable(path: "/nonexistent/classifier.bin", reason: "missing or unreadable file")) {
            try ConvNet(contentsOf: "/nonexistent/classifier.bin")
        }
    }

    @Test func corruptClassifierFileNamesThePath() throws {
        let shipped = try #require(try ModelLocator().classifierPath())
        let data = try Data(contentsOf: URL(fileURLWithPath: shipped))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-model-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let truncated = dir.appendingPathComponent("classifier.bin")
        try data.prefix(data.count / 2).write(to: truncated)
        #expect(throws: DigitReaderError.modelUnreadable(path: truncated.path, reason: "file is truncated")) {
            try ConvNet(contentsOf: truncated.path)
        }
        let garbage = dir.appendingPathComponent("garbage.bin")
        try Data("not a model".utf8).write(to: garbage)
        #expect { try ConvNet(contentsOf: garbage.path) } throws: { error in
            (error as? DigitReaderError)?.description.contains(garbage.path) == true
        }
    }

    @Test func classifierFilesNumberedFromTwoFormAnEnsembleThatAveragesThem() throws {
        let shipped = try #require(try ModelLocator().classifierPath())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-ensemble-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["classifier.bin", "classifier-2.bin", "classifier-4.bin"] {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
            try FileManager.default.copyItem(atPath: shipped, toPath: dir.appendingPathComponent(name).path)
        }
        // Numbered files count while the numbers run on: 4 without 3 is not one of them.
        let paths = try ModelLocator(directory: dir.path).classifierPaths()
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["classifier.bin", "classifier-2.bin"])
        let pair = try ClassifierEnsemble(paths: paths), one = try ConvNet(contentsOf: shipped)
        let image = try ImageLoader().load(Self.crops.appendingPathComponent(try #require(Self.labelledCrops.first)).path).image
        let crop = DigitEvaluator.crop(from: image).normalized()
        // Two copies of one network average to that network.
        for (a, b) in zip(pair.probabilities(crop), one.probabilities(crop)) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func missingTesseractModelNamesWhereItLooked() {
        #expect {
            try BoxReader(models: ModelLocator(directory: "/nonexistent/models"))
        } throws: { error in
            (error as? DigitReaderError)?.description.contains("/nonexistent/models") == true
        }
    }

    @Test func corruptTesseractModelIsAnErrorNotACrash() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-c1-tess-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in ["eng", "digits"] {
            try Data(repeating: 7, count: 32).write(to: dir.appendingPathComponent("\(name).traineddata"))
            // digits is tried first when both are there
            #expect { try BoxReader(models: ModelLocator(directory: dir.path)) } throws: { error in
                (error as? DigitReaderError)?.description.contains(dir.appendingPathComponent("\(name).traineddata").path) == true
            }
        }
    }

    /// Candidates equally likely come in class order, so a reading built from a dictionary is
    /// the same on every run (Tesseract's top three changed between runs before).
    @Test func equallyLikelyCandidatesComeInClassOrder() {
        let symbols: [BoxSymbol] = [.dash, .digit(7), .cross, .digit(1), .digit(4)]
        for shift in 0..<symbols.count {
            let rotated = Array(symbols[shift...] + symbols[..<shift])
            let reading = BoxReading(candidates: rotated.map { Candidate(symbol: $0, probability: $0 == .digit(4) ? 0.6 : 0.1) }, source: "test")
            #expect(reading.candidates.map(\.symbol) == [.digit(4), .digit(1), .digit(7), .cross, .dash])
        }
    }
}

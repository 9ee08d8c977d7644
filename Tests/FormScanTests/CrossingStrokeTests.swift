import DigitReader
import Foundation
import Testing
@testable import FormScan

/// An `X` drawn across a whole row of boxes (the 2019 sheets' way of filling an empty number):
/// each box holds one piece of it, often a lone diagonal that a reader takes for a 1.
@Suite("Strokes drawn across boxes")
struct CrossingStrokeTests {
    /// Every box of the real 2019 scans: pieces of an X that goes on into the next box are
    /// marked, and no written digit ever is (472 digits on the 20 pages).
    @Test func onlyFillerStrokesCrossIntoTheNextBox() throws {
        let scanner = try Fixtures.scanner()
        var crossingFillers = 0, fillers = 0
        for name in Fixtures.kpuPages {
            let truth = try Fixtures.truth(name)
            for (field, position, crop) in try scanner.crops(path: Fixtures.kpu(name), templateID: truth.template) {
                guard let value = truth.fields[field], !crop.isBlank,
                      let label = BoxExporter.label(truth: value, position: position, count: 3) else { continue }
                if label == "X" {
                    fillers += 1
                    if crop.crossesIntoNeighbour { crossingFillers += 1 }
                } else {
                    #expect(!crop.crossesIntoNeighbour, "\(name) \(field) box \(position + 1): the digit \(label) is marked as crossing")
                }
            }
        }
        #expect(fillers > 400)
        #expect(crossingFillers >= 40, "\(crossingFillers) of \(fillers) X boxes marked as crossing")
    }

    /// A crossing piece that the readers take for a sure 1 reads as a filler first, and never
    /// surely; a piece already read as a filler keeps its reading.
    @Test func aCrossingPieceReadsAsAFiller() {
        let one = BoxReading(candidates: [Candidate(symbol: .digit(1), probability: 1)], source: "combined")
        let read = BoxReader.asFiller(one)
        #expect(read.best?.symbol == .cross)
        #expect((read.best?.probability ?? 1) < 0.5)
        #expect(abs(read.candidates.reduce(0) { $0 + $1.probability } - 1) < 1e-9)
        let x = BoxReading(candidates: [Candidate(symbol: .cross, probability: 0.99), Candidate(symbol: .digit(1), probability: 0.01)], source: "combined")
        #expect(BoxReader.asFiller(x).probability(of: .cross) >= 0.99)
    }
}

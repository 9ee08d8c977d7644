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

    /// The diagonals of an X drawn over two or three boxes cross the walls slanted; the
    /// strokes of an X flattened over a whole row (ujongsimpang-02's DPTb rows) meet the wall
    /// nearly level and are not called slanted (they are read as X already).
    @Test func theDiagonalsOfAnXDrawnAcrossBoxesAreSlanted() throws {
        let scanner = try Fixtures.scanner()
        var slanted: Set<String> = [], crossing: Set<String> = []
        for name in ["cotbuloh-02-lembar1.jpg", "teupinpeuraho-01-lembar1.jpg", "ujongsimpang-02-lembar1.jpg"] {
            let station = String(name.prefix { $0 != "-" })
            for (field, position, crop) in try scanner.crops(path: Fixtures.kpu(name), templateID: "c1-ppwp-2019-lembar1") {
                let key = "\(station) \(field) \(position + 1)"
                if crop.crossesIntoNeighbour { crossing.insert(key) }
                if crop.crossingIsSlanted {
                    slanted.insert(key)
                    #expect(crop.crossesIntoNeighbour, "\(key) slanted but not crossing")
                }
            }
        }
        // Pieces a fold classifier that never saw their station read as a dash (73–100%).
        for key in ["cotbuloh disabilitas_pengguna_l 1", "teupinpeuraho disabilitas_terdaftar_p 1",
                    "ujongsimpang disabilitas_pengguna_p 2", "ujongsimpang disabilitas_terdaftar_j 2"] {
            #expect(slanted.contains(key), "\(key) is not marked slanted")
        }
        // Read "1 (99%)" by its fold's classifier; the next box is blank, its few pixels the
        // stroke's end.
        #expect(slanted.contains("teupinpeuraho disabilitas_pengguna_p 1"))
        for key in ["ujongsimpang pemilih_dptb_p 1", "ujongsimpang pemilih_dpk_l 1"] {
            #expect(crossing.contains(key) && !slanted.contains(key), "\(key): crossing \(crossing.contains(key)), slanted \(slanted.contains(key))")
        }
    }

    /// A slanted crossing piece read as a dash (the point of a V, a shallow diagonal) reads as
    /// an `X` first, never surely; so do its digit readings, all of their share to `X`.
    @Test func aSlantedCrossingPieceReadAsADashReadsAsAnX() {
        let dash = BoxReading(candidates: [Candidate(symbol: .dash, probability: 1)], source: "combined")
        #expect(BoxReader.asFiller(dash).best?.symbol == .dash)
        let read = BoxReader.asFiller(dash, slanted: true)
        #expect(read.best?.symbol == .cross)
        #expect((read.best?.probability ?? 1) < 0.9)
        #expect(abs(read.candidates.reduce(0) { $0 + $1.probability } - 1) < 1e-9)
        let one = BoxReading(candidates: [Candidate(symbol: .digit(1), probability: 0.9), Candidate(symbol: .dash, probability: 0.1)], source: "combined")
        let slantedOne = BoxReader.asFiller(one, slanted: true)
        #expect(slantedOne.best?.symbol == .cross)
        #expect(slantedOne.probability(of: .dash) < one.probability(of: .dash))
    }

    /// No 1 on the 20 real pages reaches from one side wall of its box to the other, and only one
    /// other digit does (kubu-02's 2 with a long tail); pieces of Xs often do, among them lone
    /// diagonals read as 1.
    @Test func aOneNeverSpansItsBoxFromWallToWall() throws {
        let scanner = try Fixtures.scanner()
        var spanning = 0, digits: [String] = []
        for name in Fixtures.kpuPages {
            let truth = try Fixtures.truth(name)
            for (field, position, crop) in try scanner.crops(path: Fixtures.kpu(name), templateID: truth.template) {
                guard let value = truth.fields[field], crop.spansWallToWall else { continue }
                spanning += 1
                let label = BoxExporter.label(truth: value, position: position, count: 3)
                if let label, label != "X" { digits.append("\(name) \(field) box \(position + 1): \(label)") }
                #expect(label != "1", "\(name) \(field) box \(position + 1): a 1 spans its box")
            }
        }
        #expect(spanning >= 100)
        #expect(digits.count <= 1, "digits spanning their box: \(digits)")
    }

    /// Ink from wall to wall read first as 1 reads as an `X` first, never surely; a wide digit
    /// read as something else keeps its reading.
    @Test func inkFromWallToWallReadAsOneReadsAsAnX() {
        let one = BoxReading(candidates: [Candidate(symbol: .digit(1), probability: 0.74), Candidate(symbol: .cross, probability: 0.25),
                                          Candidate(symbol: .digit(7), probability: 0.01)], source: "combined")
        let read = BoxReader.notAOne(one)
        #expect(read.best?.symbol == .cross)
        #expect((read.best?.probability ?? 1) < 0.9)
        #expect(abs(read.candidates.reduce(0) { $0 + $1.probability } - 1) < 1e-9)
        let three = BoxReading(candidates: [Candidate(symbol: .digit(3), probability: 0.53), Candidate(symbol: .digit(1), probability: 0.09),
                                            Candidate(symbol: .cross, probability: 0.06)], source: "combined")
        #expect(BoxReader.notAOne(three) == three)
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

import DigitReader
import Foundation
import Testing
@testable import FormScan

/// A digit written with ink much lighter than a pen's is read and weighed against blank, not
/// thrown away as an empty box.
@Suite("Faint ink")
struct FaintInkTests {
    /// A 64x64 cut of a box: paper, the printed frame 7 px in, and a vertical stroke of `ink`.
    static func box(stroke ink: UInt8?) -> GrayImage {
        var g = GrayImage(width: 64, height: 64, fill: 235)
        for i in 0..<64 {
            for t in 6...7 { g[i, t] = 60; g[i, 63 - t] = 60; g[t, i] = 60; g[63 - t, i] = 60 }
        }
        if let ink { for y in 18...46 { for x in 31...32 { g[x, y] = ink } } }
        return g
    }

    @Test func aFaintStrokeIsKeptAndMarkedFaint() {
        let cleaner = BoxCleaner()
        let faint = cleaner.clean(Self.box(stroke: 200))
        #expect(!faint.isBlank && faint.faint)
        // Stretched: the stroke is black for the readers.
        #expect(faint.ink.pixels.min() == 0)
        let pen = cleaner.clean(Self.box(stroke: 40))
        #expect(!pen.isBlank && !pen.faint)
        let empty = cleaner.clean(Self.box(stroke: nil))
        #expect(empty.isBlank && !empty.faint)
    }

    @Test func aStrokeWhoseLighterPartsWereLostIsReadBothWays() {
        // A 4 whose diagonal and crossbar are much lighter than its stem: the pen pass keeps the
        // stem alone (a 1); the faint pass, grown from the stem, gets the whole 4.
        var four = Self.box(stroke: 40)
        for x in 14...31 { for y in 35...36 { four[x, y] = 200 } }
        for k in 0...16 { four[14 + k, 35 - k] = 200; four[15 + k, 35 - k] = 200 }
        let crop = BoxCleaner().clean(four)
        let wider = crop.fainterInk
        #expect(!crop.faint && crop.ink.width <= 4)
        #expect((wider?.width ?? 0) >= crop.ink.width + 6)
        // A plain stroke, and a light mark away from the stroke, give one reading.
        #expect(BoxCleaner().clean(Self.box(stroke: 40)).fainterInk == nil)
        var apart = Self.box(stroke: 40)
        for y in 20...44 { apart[14, y] = 200; apart[15, y] = 200 }
        #expect(BoxCleaner().clean(apart).fainterInk == nil)
    }

    @Test func aFaintDigitIsReadButNeverSure() throws {
        let reader = try Fixtures.scanner().reader
        let crop = BoxCleaner().clean(Self.box(stroke: 200))
        let (reading, _) = reader.read(crop)
        #expect(reading.probability(of: .blank) >= BoxReader.faintBlank)
        #expect((reading.best?.probability ?? 1) <= 1 - BoxReader.faintBlank + 1e-9)
    }

    @Test func theFaintOneOnARealPageIsReadAndConfirmed() throws {
        // simpangpeut-02 Lembar 2: the hundreds digit of pair 02's 188 is a light stroke; read
        // as blank it made "88" and sent the page to review.
        let r = try Fixtures.scanner().scan(path: Fixtures.kpu("simpangpeut-02-lembar2.jpg"), templateID: "c1-ppwp-2019-lembar2")
        let f = try #require(r.fields["suara_paslon_02"])
        #expect(f.value == 188 && f.status == .verified)
        let first = try #require(f.boxes.first)
        #expect(first.symbol == .digit(1))
        #expect(first.candidates.contains { $0.symbol == .blank && $0.probability >= 0.3 })
        #expect(r.fields.values.allSatisfy { $0.status == .verified })
    }
}

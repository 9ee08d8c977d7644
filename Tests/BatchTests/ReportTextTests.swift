import DigitReader
import Foundation
import Testing
@testable import FormScan
@testable import scan_c1

/// What a PPK user reads from `verify`: Indonesian by default, words that do not clash,
/// failed sums with their total and difference, labels told apart, errors translated.
@Suite("verify's report text")
struct ReportTextTests {
    let id = VerifyText(lang: .id), en = VerifyText(lang: .en)

    @Test func aFailedSumShowsItsTotalAndTheDifference() {
        #expect(id.numbers("427 = 123 + 274 + 32", failed: true) == "123 + 274 + 32 = 429, tertulis 427: selisih 2")
        #expect(en.numbers("427 = 123 + 274 + 32", failed: true) == "123 + 274 + 32 = 429, written 427: off by 2")
        #expect(id.numbers("123 + 274 + 32 = 427", failed: true) == "123 + 274 + 32 = 429, tertulis 427: selisih 2")
        #expect(id.numbers("148 = 150", failed: true) == "148, 150: selisih 2")
        #expect(id.numbers("430 ≤ 300", failed: true) == "430, batasnya 300: lebih 130")
        #expect(id.numbers("170 ≤ 162 + 4", failed: true) == "170, batasnya 162 + 4 = 166: lebih 4")
        // A rule that holds, or numbers that are not all known, are shown as they are.
        #expect(id.numbers("429 = 123 + 274 + 32", failed: false) == "429 = 123 + 274 + 32")
        #expect(id.numbers("? = 123 + 274", failed: true) == "? = 123 + 274")
        // The same inside a reason.
        #expect(id.reason("station rule V.A = IV.1 + IV.2 + IV.3 fails: 427 = 123 + 274 + 32")
                == "aturan antar halaman V.A = IV.1 + IV.2 + IV.3 tidak terpenuhi: 123 + 274 + 32 = 429, tertulis 427: selisih 2")
    }

    @Test func statusWordsAreDistinctAndDoNotClashWithTheRecap() {
        let words = FieldStatus.allCases.map { id.status($0) }
        #expect(Set(words).count == words.count)
        #expect(words == ["terverifikasi", "dikoreksi oleh aturan", "periksa", "tidak terbaca"])
        // "cocok" was both "verified" and "matches the recap"; "kosong" was both "blank" and "unreadable".
        #expect(!words.contains("cocok") && !words.contains("kosong"))
        #expect(!id.recapMatches(3, of: 4).contains("terverifikasi") && id.recapMatches(3, of: 4).contains("Sama dengan rekap"))
        #expect(id.wrote.contains("disimpan"))
        #expect(id.reason("no sum of the form confirms this number on its own (a copy such as 9 = 9 + 0 + 0 counts only when both readers are sure of every box, or the number it copies is confirmed by a sum)")
                .contains("kedua pembaca mesin"))
        #expect(id.reason("set by a person to 81 (the photo was read as 1, review)") == "diisi petugas: 81 (foto terbaca 1, periksa)")
        #expect(id.reason("first read as 8; changed because I.A.3: J = L + P demand 3") == "awalnya terbaca 8; dikoreksi karena I.A.3: J = L + P menuntut 3")
    }

    /// Every reason the checks give on a real station is translated (none left in English).
    @Test func theReasonsOfARealStationAreAllTranslated() throws {
        let store = try TemplateStore()
        let scanner = PageScanner(store: store, reader: try BoxReader())
        let kawal = BatchFixtures.kawalc1
        var pages = try ["pilpres-2024-hal2.jpg", "pilpres-2024-hal3.jpg"].map { try scanner.scan(path: kawal.appendingPathComponent($0).path) }
        StationChecker.apply(to: &pages, store: store)
        let reasons = Set(pages.flatMap { $0.fields.values.flatMap(\.reasons) })
        #expect(!reasons.isEmpty)
        for r in reasons {
            let t = id.reason(r)
            #expect(t != r, "left in English: \(r)")
        }
        let v = try StationVerifier(store: store).verify(pages, expectation: Expectation(values: ["suara_paslon_02": 270, "suara_tidak_sah": 3]))
        let report = VerifyReport.render(v, text: id, color: false, width: 100, recapCompared: 2)
        #expect(report.contains("123 + 274 + 32 = 429, tertulis 427: selisih 2"))
        // Since issue 21 no number of this station is trusted (more than 300 votes, beyond the
        // form's soft bound: a person confirms them), so the recap's 3 equals no trusted number.
        #expect(report.contains("Beda dengan rekap:") && report.contains("Sama dengan rekap: 0 dari 2"))
        #expect(id.recapMatches(1, of: 2) == "Sama dengan rekap: 1 dari 2 angka rekap")
        for english in ["fails", "verified", "review", "the bubbles", "rule "] { #expect(!report.contains(english), "\(english)") }
    }

    /// Every reason the checks can give (Reconciler, StationChecker, FieldAssembly, the bubbles,
    /// a person's correction), one example of each as the code words it, is translated, and
    /// English keeps it as it is. Built with the checks' own wording where it is a constant or
    /// a function, so a reworded reason fails here instead of reaching a PPK user in English.
    @Test func everyReasonTheChecksGiveIsTranslated() {
        let rule = "I.A.3: J = L + P"
        let reasons = [
            "a box is partly outside the image: retake or rescan the whole page",
            "a box could not be read",
            "all boxes are empty",
            "a digit followed by 'nothing' (1 2 _): the number looks shifted one box to the left",
            "a digit followed by '7' (1 _ 7): the number looks shifted one box to the left",
            "no reading of this number agrees with the rest of the page",
            "rule \(rule) fails: 5 = 2 + 2; this number or pemilih_dpk_l is misread",
            "the rules suggest 12, but the search over readings was too large to be sure",
            "two readings satisfy the rules almost equally: 12 or 17",
            "the other numbers imply 12 (\(rule))",
            "rule \(rule) fails: 5 = 2 + 2",
            Reconciler.beyondBound + "(V.C <= 300: 430 <= 300): a misread or a special station, a person should confirm it",
            "first read as 8; changed because the rules demand 3",
            "first read as 8; changed because \(rule) demand 3",
            "no rule of the form covers this number",
            Reconciler.unconfirmed,
            "box 2 is unsure (1 57%, blank 28%): the rules would accept 18, a person should confirm it",
            Reconciler.leansOn(rule: rule, fields: [(id: "pemilih_dpk_l", value: 169, first: 164), (id: "pemilih_dpk_p", value: 3, first: 3)]),
            Reconciler.rivalExplains(rule, field: "pemilih_dpk_p", read: 17, needed: 12),
            "station rule V.A = IV.1 + IV.2 + IV.3 fails: 427 = 123 + 274 + 32",
            "the bubbles say 12 too",
            "the bubbles say 12, the boxes 17",
            "the bubbles say 12, the boxes nothing",
            "the bubbles cannot be read as a number (1?); the boxes say 17",
            "set by a person to 81 (the photo was read as 1, review)",
            WordsEvidence.agrees(177),
            WordsEvidence.corrects(177, read: 171, text: "SERATUS TUJUH PULUH TUJUH"),
            WordsEvidence.disagrees(16, boxes: 18, text: "enam belas"),
            WordsEvidence.disagrees(16, boxes: nil, text: "enam belas"),
        ]
        for r in reasons {
            let t = id.reason(r)
            #expect(t != r, "left in English: \(r)")
            for english in ["rule ", " fails", "the bubbles", "a person", "number", "box "] { #expect(!t.contains(english), "\(english) in \(t)") }
        }
        // English shows issue 21's reasons exactly as the checks word them.
        for r in [reasons[11], reasons[17], reasons[18]] {
            #expect(r.hasPrefix("beyond") || r.contains(Reconciler.leaning) || r.contains("would hold as well"))
            #expect(en.reason(r) == r)
        }
    }

    @Test func labelsOfOneRowStayToldApart() {
        let labels = ["Laki-laki (L)", "Perempuan (P)", "Jumlah (L+P)"].map { "I.B.1 Jumlah pengguna hak pilih dalam DPT (Model C7.DPT-KPU), \($0)" }
        for width in [30, 40, 60] {
            let shown = labels.map { VerifyReport.shorten($0, to: width) }
            #expect(Set(shown).count == 3, "\(shown)")
            #expect(shown.allSatisfy { $0.count <= width && $0.hasPrefix("I.B.1") }, "\(shown)")
        }
        #expect(VerifyReport.shorten("V.B Jumlah suara tidak sah", to: 60) == "V.B Jumlah suara tidak sah")
        // The report fits the width it is given.
        setenv("COLUMNS", "132", 1)
        #expect(TerminalWidth.columns() == 132)
        unsetenv("COLUMNS")
    }

    @Test func errorsAreSaidInIndonesian() {
        let errors: [any Error] = [
            FormScanError.fileNotFound("a.jpg"), FormScanError.noFormFound("a.jpg"),
            FormScanError.wrongPage("a.jpg", template: "t", score: 0.4), FormScanError.truncatedImage("a.jpg"),
            FormScanError.poorImage("a.jpg", problems: ["the photo is blurred: hold the phone still, let it focus, and retake it (the page is t)"]),
            VerifyError.samePageTwice("t"), VerifyError.unknownField("x", known: ["a"]),
            Expectation.ParseError.badPair("x"),
            DigitReaderError.modelNotFound(language: "digits", searched: ["/x"]),
        ]
        for e in errors {
            let message = id.error(e)
            #expect(message != String(describing: e), "\(e)")
            #expect(en.error(e) == String(describing: e))
        }
        #expect(id.error(FormScanError.poorImage("a.jpg", problems: ["the photo is blurred: hold the phone still, let it focus, and retake it (the page is t)"]))
                == "a.jpg: ulangi foto: foto kabur: pegang ponsel dengan tenang, tunggu fokus, lalu foto ulang (halaman ini: t)")
    }

    /// The command itself: help and errors in Indonesian, English with --lang en.
    @Test func theCommandSpeaksIndonesianByDefault() throws {
        func tool(_ args: [String]) throws -> (Int32, String, String) {
            let p = Process()
            p.executableURL = BatchFixtures.tool
            p.arguments = args
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        }
        let (_, help, _) = try tool(["verify", "--help"])
        #expect(help.contains("Periksa halaman-halaman satu TPS") && help.contains("dikoreksi petugas dengan scan-c1 verify"))
        #expect(help.contains("Boleh diulang"))
        let (_, english, _) = try tool(["verify", "--lang", "en", "--help"])
        #expect(english.contains("Check the pages of one polling station"))
        let (code, _, error) = try tool(["verify", "/nonexistent/tps07-lembar1.jpg"])
        #expect(code == 2)
        #expect(error.contains("kesalahan") && error.contains("berkas tidak ada"), "\(error)")
    }
}

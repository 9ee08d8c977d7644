import FormScan
import Foundation

/// The words of the verify report, in Indonesian (the default: PPK staff read it) and English.
///
/// Two different ideas must never share a word: a number *confirmed by the form's arithmetic*
/// is "terverifikasi"; a number *equal to the recap* is "sama dengan rekap".
struct VerifyText {
    enum Language: String, CaseIterable { case id, en }
    let lang: Language

    var id: Bool { lang == .id }

    func status(_ s: FieldStatus) -> String {
        switch (lang, s) {
        case (.id, .verified): return "terverifikasi"
        case (.id, .corrected): return "dikoreksi oleh aturan"
        case (.id, .review): return "periksa"
        case (.id, .missing): return "tidak terbaca"
        case (.en, _): return s.rawValue
        }
    }

    /// A status word as the pipeline writes it (`review`, `missing` …), in the report's language.
    func status(raw: String) -> String { FieldStatus(rawValue: raw).map { status($0) } ?? raw }

    func verdict(_ v: StationVerification) -> String {
        let n = v.fieldsNeedingLook.count + v.mismatches.filter { m in !v.fieldsNeedingLook.contains(m.field) }.count
        let m = v.mismatches.count
        switch (lang, v.verdict) {
        case (.id, .consistent): return "SEMUA KONSISTEN: setiap angka dikonfirmasi oleh aritmetika formulir"
        case (.en, .consistent): return "ALL CONSISTENT: every number is confirmed by the form's arithmetic"
        case (.id, .needsLook): return "\(n) ISIAN PERLU DILIHAT" + (m > 0 ? " (\(m) beda dengan rekap)" : "")
        case (.en, .needsLook): return "\(n) FIELD\(n == 1 ? " NEEDS" : "S NEED") A LOOK" + (m > 0 ? " (\(m) differ from the recap)" : "")
        case (.id, .pagesMissing): return "HALAMAN KURANG: \(v.missingPages.joined(separator: ", "))" + (n > 0 ? "; \(n) isian perlu dilihat" : "")
        case (.en, .pagesMissing): return "PAGES MISSING: \(v.missingPages.joined(separator: ", "))" + (n > 0 ? "; \(n) field\(n == 1 ? " needs" : "s need") a look" : "")
        }
    }

    var mismatchHeading: String { id ? "Beda dengan rekap:" : "Differences from the recap:" }
    func mismatch(_ m: Mismatch) -> String {
        let read = m.read.map(String.init) ?? (id ? "belum pasti" : "not sure")
        return id ? "\(m.field) (\(m.label)): rekap \(m.expected), foto \(read) [\(status(m.status))]"
                  : "\(m.field) (\(m.label)): recap \(m.expected), photo \(read) [\(status(m.status))]"
    }
    /// The recap's numbers the photo confirms (`matched` of `compared`).
    func recapMatches(_ matched: Int, of compared: Int) -> String {
        id ? "Sama dengan rekap: \(matched) dari \(compared) angka rekap"
           : "Same as the recap: \(matched) of the recap's \(compared) numbers"
    }
    var correctionHeading: String { id ? "Koreksi oleh petugas:" : "Corrections by a person:" }
    func correction(_ c: StationVerification.AppliedCorrection) -> String {
        let was = c.originalValue.map(String.init) ?? (id ? "tidak ada" : "nothing")
        return id ? "\(c.template).\(c.field) = \(c.value) (foto terbaca \(was), \(status(c.originalStatus))) → \(status(c.status))"
                  : "\(c.template).\(c.field) = \(c.value) (photo read \(was), \(status(c.originalStatus))) → \(status(c.status))"
    }
    var page: String { id ? "Halaman" : "Page" }
    var rules: String { id ? "Aturan:" : "Rules:" }
    var soft: String { id ? "peringatan" : "warning" }
    var acrossPages: String { id ? "antar halaman" : "across pages" }
    var wrote: String { id ? "gambar disimpan:" : "wrote" }
    var stored: String { id ? "koreksi disimpan di" : "corrections stored in" }
    /// The default reason stored with a person's correction.
    var defaultReason: String { id ? "dikoreksi petugas dengan scan-c1 verify" : "set with scan-c1 verify" }
    /// What a box symbol is called (blank boxes are empty; an unread box is not).
    var blank: String { id ? "kosong" : "blank" }
    var unread: String { id ? "tidak terbaca" : "unread" }

    /// The words on the annotated pictures (ASCII: the bitmap font has no other letters).
    var pictureWords: Annotator.Words {
        var w = Annotator.Words()
        let words = self
        w.reason = { words.reason($0) }
        w.numbers = { words.numbers($0, failed: true) }
        guard id else { return w }
        w.status = { words.status($0) }
        w.pageStatus = "status halaman"
        w.allRulesHold = "semua aturan terpenuhi"
        w.failedRules = "aturan tidak terpenuhi:"
        w.toCheck = "perlu diperiksa:"
        w.soft = "peringatan"
        w.box = "kotak"
        w.blank = "kosong"
        w.unread = "tidak terbaca"
        w.reader = { source in
            switch source {
            case "tesseract": return "pembaca mesin 1"
            case "classifier": return "pembaca mesin 2"
            case "person": return "petugas"
            default: return source
            }
        }
        w.recap = "rekap"
        w.recapDiffers = "beda dengan rekap"
        w.legend = "arti warna:"
        w.reviewTitle = "Isian yang perlu diperiksa: kotak diperbesar, bacaan mesin, dan alasannya"
        w.reading = "bacaan"
        w.candidates = "kemungkinan"
        w.why = "alasan"
        w.noneToCheck = "tidak ada"
        return w
    }

    /// A rule's numbers as the report shows them: a failed sum gives its total and the
    /// difference (`123 + 274 + 32 = 429, tertulis 427: selisih 2`), a failed limit its total,
    /// the limit and the excess (`430, batasnya 300: lebih 130`); a rule that holds, or text
    /// that is not plain numbers, is shown as it is. (The JSON keeps `numbers` as it is.)
    func numbers(_ text: String, failed: Bool) -> String {
        guard failed, let r = RuleNumbers(text) else { return text }
        let d = abs(r.left - r.right)
        if r.relation == "=" {
            let (sum, sumText, single) = r.leftTerms == 1 && r.rightTerms > 1 ? (r.right, r.rightText, r.leftText)
                                        : r.rightTerms == 1 && r.leftTerms > 1 ? (r.left, r.leftText, r.rightText) : (0, "", "")
            if !sumText.isEmpty {
                return id ? "\(sumText) = \(sum), tertulis \(single): selisih \(d)" : "\(sumText) = \(sum), written \(single): off by \(d)"
            }
            let l = r.leftTerms > 1 ? "\(r.leftText) = \(r.left)" : r.leftText
            let rr = r.rightTerms > 1 ? "\(r.rightText) = \(r.right)" : r.rightText
            return id ? "\(l), \(rr): selisih \(d)" : "\(l), \(rr): off by \(d)"
        }
        // An inequality: the side that is too large or too small, its limit, by how much.
        let l = r.leftTerms > 1 ? "\(r.leftText) = \(r.left)" : r.leftText
        let rr = r.rightTerms > 1 ? "\(r.rightText) = \(r.right)" : r.rightText
        switch r.relation {
        case "≤", "<=", "<": return id ? "\(l), batasnya \(rr): lebih \(d)" : "\(l), at most \(rr): \(d) over"
        default: return id ? "\(l), paling sedikit \(rr): kurang \(d)" : "\(l), at least \(rr): \(d) short"
        }
    }

    /// A message for the user from an error the libraries threw.
    func error(_ error: any Error) -> String {
        guard id else { return String(describing: error) }
        return IndonesianErrors.message(error)
    }
    /// How stderr lines start.
    var errorPrefix: String { id ? "scan-c1: kesalahan: " : "scan-c1: error: " }

    /// A field's reason in the report's language (the checks word them in English; the patterns
    /// below cover every reason they give, anything else is shown as it is).
    func reason(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        for (re, translate) in Self.patterns {
            guard let m = re.firstMatch(in: text, range: range) else { continue }
            let groups = (1..<m.numberOfRanges).map { i in
                Range(m.range(at: i), in: text).map { String(text[$0]) } ?? ""
            }
            return translate(groups, self)
        }
        return text
    }

    /// The reasons the checks give, compiled once: pattern → the words in the report's
    /// language (`t.id`: Indonesian). English keeps the original wording except where numbers
    /// of a failed rule are shown with their difference.
    static let patterns: [(NSRegularExpression, @Sendable ([String], VerifyText) -> String)] = reasonTable.compactMap { pattern, f in
        (try? NSRegularExpression(pattern: "^" + pattern + "$")).map { ($0, f) }
    }

    private static let reasonTable: [(String, @Sendable ([String], VerifyText) -> String)] = [
        (#"set by a person to (\d+) \(the photo was read as (.*), (\w+)\)"#, { g, t in
            let was = g[1] == "nothing" ? (t.id ? "tidak ada" : "nothing") : g[1]
            return t.id ? "diisi petugas: \(g[0]) (foto terbaca \(was), \(t.status(raw: g[2])))"
                        : "set by a person to \(g[0]) (the photo was read as \(was), \(g[2]))"
        }),
        (#"a box is partly outside the image: .*"#, { g, t in
            t.id ? "ada kotak yang sebagian di luar gambar: foto/pindai ulang seluruh halaman" : "a box is partly outside the image: retake or rescan the whole page"
        }),
        (#"a box could not be read"#, { _, t in t.id ? "ada kotak yang tidak terbaca" : "a box could not be read" }),
        (#"all boxes are empty"#, { _, t in t.id ? "semua kotak kosong" : "all boxes are empty" }),
        (#"a digit followed by '?(.*?)'? \((.*)\): the number looks shifted one box to the left"#, { g, t in
            let what = g[0] == "nothing" ? (t.id ? "kotak kosong" : "nothing") : "'\(g[0])'"
            return t.id ? "angka diikuti \(what) (\(g[1])): angka tampak bergeser satu kotak ke kiri"
                        : "a digit followed by \(what) (\(g[1])): the number looks shifted one box to the left"
        }),
        (#"no reading of this number agrees with the rest of the page"#, { _, t in
            t.id ? "tidak ada bacaan angka ini yang sesuai dengan isian lain di halaman" : "no reading of this number agrees with the rest of the page"
        }),
        (#"the rules suggest (\d+), but the search over readings was too large to be sure"#, { g, t in
            t.id ? "aturan menunjukkan \(g[0]), tetapi pencarian terlalu besar untuk memastikan"
                 : "the rules suggest \(g[0]), but the search over readings was too large to be sure"
        }),
        (#"two readings satisfy the rules almost equally: (.*) or (.*)"#, { g, t in
            t.id ? "dua bacaan sama-sama memenuhi aturan: \(g[0]) atau \(g[1])" : "two readings satisfy the rules almost equally: \(g[0]) or \(g[1])"
        }),
        (#"the other numbers imply (\d+) \((.*)\)"#, { g, t in
            t.id ? "isian lain menunjukkan \(g[0]) (\(g[1]))" : "the other numbers imply \(g[0]) (\(g[1]))"
        }),
        (#"station rule (.*) fails: (.*)"#, { g, t in
            t.id ? "aturan antar halaman \(g[0]) tidak terpenuhi: \(t.numbers(g[1], failed: true))"
                 : "station rule \(g[0]) fails: \(t.numbers(g[1], failed: true))"
        }),
        // The checks' reasons for a number one rule cannot locate, a soft bound exceeded, and a
        // rule that holds only through numbers changed or in doubt (issue 21).
        (#"rule (.*) would hold as well with (.*) (\d+) instead of (\d+) \(one box read otherwise\): one rule shows that a number is misread, not which one"#, { g, t in
            t.id ? "aturan \(g[0]) juga terpenuhi bila \(g[1]) bernilai \(g[2]), bukan \(g[3]) (satu kotak terbaca lain): satu aturan hanya menunjukkan ada angka yang salah terbaca, bukan yang mana"
                 : "rule \(g[0]) would hold as well with \(g[1]) \(g[2]) instead of \(g[3]) (one box read otherwise): one rule shows that a number is misread, not which one"
        }),
        (#"beyond what the form allows at an ordinary station \((.*)\): a misread or a special station, a person should confirm it"#, { g, t in
            t.id ? "melebihi batas formulir untuk TPS biasa (\(g[0])): salah baca atau TPS khusus, petugas harus memastikan"
                 : "beyond what the form allows at an ordinary station (\(g[0])): a misread or a special station, a person should confirm it"
        }),
        (#"rule (.*) holds only through numbers changed to fit or in doubt \((.*)\): it confirms nothing"#, { g, t in
            t.id ? "aturan \(g[0]) terpenuhi hanya lewat angka yang diubah agar cocok atau masih diragukan (\(g[1])): tidak memastikan apa pun"
                 : "rule \(g[0]) holds only through numbers changed to fit or in doubt (\(g[1])): it confirms nothing"
        }),
        (#"read as 0 from an empty units box, and only zeros are in its sums: a faint digit lost from it would be lost from its copies too"#, { _, t in
            t.id ? "terbaca 0 dari kotak satuan yang kosong, dan aturannya hanya berisi nol: angka tipis yang hilang dari kotak ini bisa hilang juga dari salinannya"
                 : "read as 0 from an empty units box, and only zeros are in its sums: a faint digit lost from it would be lost from its copies too"
        }),
        (#"rule (.*) fails: (.*); this number or (.*) is misread"#, { g, t in
            t.id ? "aturan \(g[0]) tidak terpenuhi: \(t.numbers(g[1], failed: true)); angka ini atau \(g[2].replacingOccurrences(of: " or ", with: " atau ")) salah terbaca"
                 : "rule \(g[0]) fails: \(t.numbers(g[1], failed: true)); this number or \(g[2]) is misread"
        }),
        (#"rule (.*) fails: (.*)"#, { g, t in
            t.id ? "aturan \(g[0]) tidak terpenuhi: \(t.numbers(g[1], failed: true))" : "rule \(g[0]) fails: \(t.numbers(g[1], failed: true))"
        }),
        (#"first read as (.*); changed because (.*) demand (.*)"#, { g, t in
            let who = g[1] == "the rules" ? (t.id ? "aturan" : "the rules") : g[1]
            return t.id ? "awalnya terbaca \(g[0]); dikoreksi karena \(who) menuntut \(g[2])"
                        : "first read as \(g[0]); changed because \(who) demand \(g[2])"
        }),
        (#"no rule of the form covers this number"#, { _, t in
            t.id ? "tidak ada aturan formulir untuk angka ini" : "no rule of the form covers this number"
        }),
        (#"no sum of the form confirms this number on its own(.*)"#, { g, t in
            t.id ? "tidak ada penjumlahan di formulir yang memastikan angka ini (salinan seperti 9 = 9 + 0 + 0 hanya dihitung bila kedua pembaca mesin yakin pada setiap kotak, atau bila angka yang disalin dipastikan oleh penjumlahan)"
                 : "no sum of the form confirms this number on its own\(g[0])"
        }),
        (#"the bubbles say (\d+) too"#, { g, t in t.id ? "bulatan juga menunjukkan \(g[0])" : "the bubbles say \(g[0]) too" }),
        (#"the bubbles say (\d+), the boxes (.*)"#, { g, t in
            let boxes = g[1] == "nothing" ? (t.id ? "tidak terbaca" : "nothing") : g[1]
            return t.id ? "bulatan menunjukkan \(g[0]), kotak \(boxes)" : "the bubbles say \(g[0]), the boxes \(boxes)"
        }),
        (#"the bubbles cannot be read as a number \((.*)\); the boxes say (.*)"#, { g, t in
            let boxes = g[1] == "nothing" ? (t.id ? "tidak terbaca" : "nothing") : g[1]
            return t.id ? "bulatan tidak terbaca sebagai angka (\(g[0])); kotak menunjukkan \(boxes)"
                        : "the bubbles cannot be read as a number (\(g[0])); the boxes say \(boxes)"
        }),
        // The number written in words (issue 25): agreeing, correcting, disagreeing.
        (#"terbilang: (.*) \(the words say (\d+), as the boxes\)"#, { g, t in
            t.id ? "terbilang: \(g[0]) (huruf menyebut \(g[1]), sama dengan kotak)" : "terbilang: \(g[0]) (the words say \(g[1]), as the boxes)"
        }),
        (#"terbilang: (.*) \(read "(.*)"\): the words say (\d+), the boxes were read (.*); corrected to (\d+), which the rules accept"#, { g, t in
            let read = g[3] == "nothing" ? (t.id ? "tidak terbaca" : "nothing") : g[3]
            return t.id ? "terbilang: \(g[0]) (terbaca \"\(g[1])\"): huruf menyebut \(g[2]), kotak terbaca \(read); dikoreksi menjadi \(g[4]), sesuai aturan"
                        : "terbilang: \(g[0]) (read \"\(g[1])\"): the words say \(g[2]), the boxes were read \(read); corrected to \(g[4]), which the rules accept"
        }),
        (#"terbilang: "(.*)" says (\d+), the boxes (.*): a person should compare them"#, { g, t in
            let boxes = g[2] == "nothing" ? (t.id ? "tidak terbaca" : "nothing") : g[2]
            return t.id ? "terbilang: \"\(g[0])\" menyebut \(g[1]), kotak \(boxes): petugas harus membandingkan keduanya"
                        : "terbilang: \"\(g[0])\" says \(g[1]), the boxes \(boxes): a person should compare them"
        }),
        (#"box (\d+) is unsure \((.*)\): the rules would accept (.*), a person should confirm it"#, { g, t in
            t.id ? "kotak \(g[0]) tidak pasti (\(g[1])): aturan menerima \(g[2]), petugas harus memastikan"
                 : "box \(g[0]) is unsure (\(g[1])): the rules would accept \(g[2]), a person should confirm it"
        }),
    ]
}

/// The numbers of a rule as the checks write them (`427 = 123 + 274 + 32`), parsed back:
/// each side's total. Nil unless every term is a plain number.
struct RuleNumbers {
    var relation: String
    var left: Int, right: Int
    var leftTerms: Int, rightTerms: Int
    var leftText: String, rightText: String

    init?(_ text: String) {
        let tokens = text.split(separator: " ").map(String.init)
        guard let at = tokens.firstIndex(where: { ["=", "≤", "≥", "<", ">", "<=", ">="].contains($0) }) else { return nil }
        func side(_ t: ArraySlice<String>) -> (Int, Int)? {
            var total = 0, sign = 1, terms = 0, expectNumber = true
            for tok in t {
                if expectNumber {
                    guard let v = Int(tok) else { return nil }
                    total += sign * v; terms += 1; expectNumber = false
                } else {
                    guard tok == "+" || tok == "-" else { return nil }
                    sign = tok == "+" ? 1 : -1; expectNumber = true
                }
            }
            return expectNumber ? nil : (total, terms)
        }
        guard let (l, ln) = side(tokens[..<at]), let (r, rn) = side(tokens[(at + 1)...]) else { return nil }
        relation = tokens[at]
        left = l; right = r; leftTerms = ln; rightTerms = rn
        leftText = tokens[..<at].joined(separator: " ")
        rightText = tokens[(at + 1)...].joined(separator: " ")
    }
}

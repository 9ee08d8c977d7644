import FormScan
import Foundation

/// The words of the verify report, in Indonesian (the default: PPK staff read it) and English.
struct VerifyText {
    enum Language: String, CaseIterable { case id, en }
    let lang: Language

    func status(_ s: FieldStatus) -> String {
        switch (lang, s) {
        case (.id, .verified): return "cocok"
        case (.id, .corrected): return "dibetulkan aturan"
        case (.id, .review): return "periksa"
        case (.id, .missing): return "kosong"
        case (.en, _): return s.rawValue
        }
    }

    func verdict(_ v: StationVerification) -> String {
        let n = v.fieldsNeedingLook.count + v.mismatches.filter { m in !v.fieldsNeedingLook.contains(m.field) }.count
        let m = v.mismatches.count
        switch (lang, v.verdict) {
        case (.id, .consistent): return "SEMUA KONSISTEN: setiap angka dikonfirmasi oleh aritmetika formulir"
        case (.en, .consistent): return "ALL CONSISTENT: every number is confirmed by the form's arithmetic"
        case (.id, .needsLook): return "\(n) ISIAN PERLU DILIHAT" + (m > 0 ? " (\(m) beda dengan rekap)" : "")
        case (.en, .needsLook): return "\(n) FIELD\(n == 1 ? " NEEDS" : "S NEED") A LOOK" + (m > 0 ? " (\(m) differ from the recap)" : "")
        case (.id, .pagesMissing): return "HALAMAN KURANG: \(v.missingPages.joined(separator: ", "))" + (n > 0 ? "; \(n) isian perlu dilihat" : "")
        case (.en, .pagesMissing): return "PAGES MISSING: \(v.missingPages.joined(separator: ", "))" + (n > 0 ? "; \(n) fields need a look" : "")
        }
    }

    var mismatchHeading: String { lang == .id ? "Beda dengan rekap:" : "Differences from the recap:" }
    func mismatch(_ m: Mismatch) -> String {
        let read = m.read.map(String.init) ?? (lang == .id ? "tidak pasti" : "not sure")
        return lang == .id ? "\(m.field) (\(m.label)): rekap \(m.expected), foto \(read) [\(status(m.status))]"
                           : "\(m.field) (\(m.label)): recap \(m.expected), photo \(read) [\(status(m.status))]"
    }
    var correctionHeading: String { lang == .id ? "Koreksi oleh petugas:" : "Corrections by a person:" }
    func correction(_ c: StationVerification.AppliedCorrection) -> String {
        let was = c.originalValue.map(String.init) ?? "-"
        return lang == .id ? "\(c.template).\(c.field) = \(c.value) (foto terbaca \(was), \(status(c.originalStatus))) → \(status(c.status))"
                           : "\(c.template).\(c.field) = \(c.value) (photo read \(was), \(status(c.originalStatus))) → \(status(c.status))"
    }
    var page: String { lang == .id ? "Halaman" : "Page" }
    /// The words on the annotated pictures (ASCII: the bitmap font has no other letters).
    var pictureWords: Annotator.Words {
        var w = Annotator.Words()
        guard lang == .id else { return w }
        let words = self
        w.status = { words.status($0) }
        w.pageStatus = "status halaman"
        w.allRulesHold = "tidak ada aturan yang gagal"
        w.failedRules = "aturan tidak terpenuhi:"
        w.toCheck = "perlu diperiksa:"
        w.soft = "peringatan"
        w.box = "kotak"
        return w
    }
    var rules: String { lang == .id ? "Aturan:" : "Rules:" }
    var soft: String { lang == .id ? "peringatan" : "warning" }
    var acrossPages: String { lang == .id ? "antar halaman" : "across pages" }
    var wrote: String { lang == .id ? "gambar ditulis" : "wrote" }
    var stored: String { lang == .id ? "koreksi disimpan di" : "corrections stored in" }

    /// A field's reason in the report's language (the checks word them in English; the patterns
    /// below cover every reason they give, anything else is shown as it is).
    func reason(_ text: String) -> String {
        guard lang == .id else { return text }
        let range = NSRange(text.startIndex..., in: text)
        for (re, template) in Self.indonesianPatterns where re.firstMatch(in: text, range: range) != nil {
            return re.stringByReplacingMatches(in: text, range: range, withTemplate: template)
        }
        return text
    }

    /// `indonesian`, compiled once.
    static let indonesianPatterns: [(NSRegularExpression, String)] = indonesian.compactMap { pattern, template in
        (try? NSRegularExpression(pattern: "^" + pattern + "$")).map { ($0, template) }
    }

    static let indonesian: [(String, String)] = [
        (#"set by a person to (\d+) \(the photo was read as (.*), (\w+)\)"#, "diisi petugas: $1 (foto terbaca $2, $3)"),
        (#"a box is partly outside the image: .*"#, "ada kotak yang sebagian di luar gambar: foto/pindai ulang seluruh halaman"),
        (#"a box could not be read"#, "ada kotak yang tidak terbaca"),
        (#"all boxes are empty"#, "semua kotak kosong"),
        (#"a digit followed by (.*) \((.*)\): the number looks shifted one box to the left"#,
         "angka diikuti $1 ($2): angka tampak bergeser satu kotak ke kiri"),
        (#"no reading of this number agrees with the rest of the page"#, "tidak ada bacaan angka ini yang cocok dengan isian lain di halaman"),
        (#"the rules suggest (\d+), but the search over readings was too large to be sure"#,
         "aturan menunjukkan $1, tetapi pencarian terlalu besar untuk memastikan"),
        (#"two readings satisfy the rules almost equally: (.*) or (.*)"#, "dua bacaan sama-sama memenuhi aturan: $1 atau $2"),
        (#"the other numbers imply (\d+) \((.*)\)"#, "isian lain menunjukkan $1 ($2)"),
        (#"station rule (.*) fails: (.*)"#, "aturan antar halaman $1 tidak terpenuhi: $2"),
        (#"rule (.*) would hold as well with (.*) (\d+) instead of (\d+) \(one box read otherwise\): one rule shows that a number is misread, not which one"#,
         "aturan $1 juga terpenuhi bila $2 bernilai $3, bukan $4 (satu kotak terbaca lain): satu aturan hanya menunjukkan ada angka yang salah terbaca, bukan yang mana"),
        (#"beyond what the form allows at an ordinary station \((.*)\): a misread or a special station, a person should confirm it"#,
         "melebihi batas formulir untuk TPS biasa ($1): salah baca atau TPS khusus, petugas harus memastikan"),
        (#"rule (.*) holds only through numbers changed to fit or in doubt \((.*)\): it confirms nothing"#,
         "aturan $1 terpenuhi hanya lewat angka yang diubah agar cocok atau masih diragukan ($2): tidak memastikan apa pun"),
        (#"rule (.*) fails: (.*); this number or (.*) is misread"#, "aturan $1 tidak terpenuhi: $2; angka ini atau $3 salah terbaca"),
        (#"rule (.*) fails: (.*)"#, "aturan $1 tidak terpenuhi: $2"),
        (#"first read as (.*); changed because (.*) demand (.*)"#, "awalnya terbaca $1; dibetulkan karena $2 menuntut $3"),
        (#"no rule of the form covers this number"#, "tidak ada aturan formulir untuk angka ini"),
        (#"no sum of the form confirms this number on its own.*"#,
         "tidak ada penjumlahan di formulir yang memastikan angka ini (salinan seperti 9 = 9 + 0 + 0 hanya dihitung bila kedua pembaca yakin, atau bila angka yang disalin dipastikan oleh penjumlahan)"),
        (#"the bubbles say (\d+) too"#, "bulatan juga menunjukkan $1"),
        (#"the bubbles say (\d+), the boxes (.*)"#, "bulatan menunjukkan $1, kotak $2"),
        (#"the bubbles cannot be read as a number \((.*)\); the boxes say (.*)"#,
         "bulatan tidak terbaca sebagai angka ($1); kotak menunjukkan $2"),
        (#"box (\d+) is unsure \((.*)\): the rules would accept (.*), a person should confirm it"#,
         "kotak $1 tidak pasti ($2): aturan menerima $3, petugas harus memastikan"),
    ]
}

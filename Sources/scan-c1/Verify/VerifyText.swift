import FormScan

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
    var rules: String { lang == .id ? "Aturan:" : "Rules:" }
    var soft: String { lang == .id ? "peringatan" : "warning" }
    var acrossPages: String { lang == .id ? "antar halaman" : "across pages" }
    var wrote: String { lang == .id ? "gambar ditulis" : "wrote" }
    var stored: String { lang == .id ? "koreksi disimpan di" : "corrections stored in" }
}

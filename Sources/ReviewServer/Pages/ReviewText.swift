import Batch
import FormScan
import Foundation

/// The words of the review page: Indonesian by default (PPK staff and volunteers use it),
/// English with `?lang=en`.
public struct ReviewText: Sendable {
    public enum Language: String, Sendable, CaseIterable { case id, en }
    public let lang: Language
    public init(_ lang: Language) { self.lang = lang }

    func t(_ id: String, _ en: String) -> String { lang == .id ? id : en }

    var wordsLine: String { t("Ditulis dengan huruf", "Written in words") }
    var wordsSay: String { t("terbaca", "read as") }
    var wordsNoNumber: String { t("tidak jelas angka berapa", "no clear number") }

    /// A box reader as a person calls it: the two readers are machines, not people.
    func reader(_ source: String) -> String {
        switch source {
        case "tesseract": return t("pembaca mesin 1", "machine reader 1")
        case "classifier": return t("pembaca mesin 2", "machine reader 2")
        case "person": return t("petugas", "a person")
        default: return source
        }
    }

    var title: String { t("Periksa angka C1", "Check the C1 numbers") }
    var queue: String { t("Antrian TPS", "Station queue") }
    func progress(done: Int, total: Int) -> String { t("\(done) dari \(total) TPS selesai", "\(done) of \(total) stations done") }
    func fieldsOpen(_ n: Int) -> String { t("\(n) isian perlu dilihat", "\(n) field\(n == 1 ? "" : "s") to look at") }
    var station: String { t("TPS", "Station") }
    var statusWord: String { t("Status", "Status") }
    var toLook: String { t("Perlu dilihat", "To look at") }
    var answered: String { t("Dijawab", "Answered") }
    var failedRules: String { t("Aturan gagal", "Failed rules") }
    var pages: String { t("Halaman", "Pages") }
    var filter: String { t("Saring", "Filter") }
    var all: String { t("Semua", "All") }
    var open: String { t("Belum selesai", "Not done") }
    var doneWord: String { t("Selesai", "Done") }
    var template: String { t("Formulir", "Form page") }
    var rule: String { t("Aturan", "Rule") }
    var folder: String { t("Folder", "Folder") }
    var start: String { t("Mulai", "Start") }
    var nothing: String { t("Tidak ada TPS yang cocok dengan saringan ini.", "No station matches this filter.") }
    var missingPages: String { t("halaman kurang", "pages missing") }
    func unreadable(_ n: Int) -> String { t("\(n) tidak terbaca di foto", "\(n) unreadable on the photo") }
    var otherLanguage: (label: String, code: String) { lang == .id ? ("English", "en") : ("Bahasa Indonesia", "id") }

    func status(_ s: FieldStatus) -> String {
        switch (lang, s) {
        case (.id, .verified): return "cocok"
        case (.id, .corrected): return "dibetulkan aturan"
        case (.id, .review): return "periksa"
        case (.id, .missing): return "kosong"
        case (.en, _): return s.rawValue
        }
    }

    // The name page.
    var nameHeading: String { t("Siapa yang memeriksa?", "Who is checking?") }
    var nameHelp: String { t("Nama Anda disimpan bersama setiap jawaban (jejak audit). Ditanya sekali saja.",
                             "Your name is stored with every answer (the audit trail). Asked once.") }
    var nameLabel: String { t("Nama", "Name") }
    var nameButton: String { t("Lanjut", "Continue") }

    // The field screen.
    func fieldOf(_ i: Int, _ n: Int) -> String { t("Isian \(i) dari \(n) di TPS ini", "Field \(i) of \(n) at this station") }
    var machineRead: String { t("Mesin membaca", "The machine read") }
    var nothingRead: String { t("tidak terbaca", "nothing sure") }
    var boxes: String { t("Kotak", "Boxes") }
    var hundreds: String { t("ratusan", "hundreds") }
    var tens: String { t("puluhan", "tens") }
    var units: String { t("satuan", "units") }
    var readers: String { t("Pembaca", "Readers") }
    var why: String { t("Kenapa perlu dilihat", "Why it needs a look") }
    var rulesHeading: String { t("Aturan yang memuat isian ini", "Rules this field is in") }
    var inputLabel: String { t("Angka yang tertulis", "The number written") }
    var inputHelp: String {
        t("Ketik angkanya lalu Enter. Enter saja = bacaan mesin benar. X = tidak terbaca di foto.",
          "Type the number, then Enter. Enter alone = the machine's reading is right. X = cannot be read on the photo.")
    }
    var keysHelp: String {
        t("Tombol: + perbesar · Ctrl+Z batalkan · PageDown lewati · Esc antrian",
          "Keys: + zoom · Ctrl+Z undo · PageDown skip · Esc queue")
    }
    var save: String { t("Simpan", "Save") }
    var skip: String { t("Lewati", "Skip") }
    var undo: String { t("Batalkan jawaban terakhir", "Undo the last answer") }
    var backToQueue: String { t("Kembali ke antrian", "Back to the queue") }
    var zoom: String { t("Perbesar", "Zoom") }
    var reason: String { t("Alasan (boleh kosong)", "Reason (may be left empty)") }
    var pageAddsUp: String { t("Halaman ini kini cocok: semua aturan terpenuhi ✓", "This page now adds up: every rule holds ✓") }
    var pageDoesNot: String { t("Halaman ini belum cocok", "This page does not add up yet") }
    var pageUnknown: String { t("Masih ada angka yang belum pasti di halaman ini", "Some numbers on this page are still unsure") }
    var stationDone: String { t("TPS ini selesai: setiap isian cocok atau sudah dijawab.", "This station is done: every field is verified or answered.") }
    var nextStation: String { t("TPS berikutnya", "Next station") }
    var allDone: String { t("Semua TPS selesai.", "Every station is done.") }
    var yourAnswer: String { t("Jawaban tersimpan", "Answer stored") }
    var by: String { t("oleh", "by") }
    var notOpen: String { t("Isian ini sudah selesai.", "This field is already done.") }

    // The recap (`--expect`).
    var recapValue: String { t("Rekap", "Recap") }
    var recapAgrees: String { t("sama dengan angka isian ini", "agrees with this field's number") }
    func recapDiffers(_ read: Int) -> String { t("berbeda dari angka isian ini (\(read))", "differs from this field's number (\(read))") }
    var recapNothingRead: String { t("belum bisa dibandingkan: isian ini belum punya angka", "cannot be compared yet: this field has no number") }

    // Double entry (`--double-entry`).
    func stage(_ s: EntryStage) -> String {
        switch s {
        case .first: return t("Entri ganda: entri pertama. Orang kedua akan mengisi isian ini tanpa melihat jawaban Anda.",
                              "Double entry: the first entry. A second person will answer this field without seeing yours.")
        case .second: return t("Entri ganda: entri kedua. Jawab sendiri; angka berlaku hanya jika sama dengan entri pertama.",
                               "Double entry: the second entry. Answer on your own; the number stands only if it agrees with the first entry.")
        case .thirdLook: return t("Tinjauan ketiga: dua entri berbeda. Jawaban Anda yang memutuskan.",
                                  "Third look: the two entries differ. Your answer decides.")
        }
    }
    func stageCode(_ s: EntryStage) -> String {
        switch s { case .first: return "first"; case .second: return "second"; case .thirdLook: return "third-look" }
    }
    var secondEntryWord: String { t("Menunggu entri kedua", "Awaiting 2nd entry") }
    var thirdLookWord: String { t("Tinjauan ketiga", "Third look") }
    func doubleEntrySummary(second: Int, third: Int) -> String {
        t("entri ganda: \(second) menunggu entri kedua, \(third) menunggu tinjauan ketiga",
          "double entry: \(second) awaiting a second entry, \(third) awaiting a third look")
    }
    func stationWaiting(_ n: Int) -> String {
        t("Isian yang bisa Anda jawab di TPS ini sudah habis; \(n) isian menunggu entri atau tinjauan orang lain.",
          "Nothing left here for you to answer; \(n) field\(n == 1 ? "" : "s") wait for another person's entry or look.")
    }
    func stepWord(_ s: AnswerStep) -> String? {
        switch s {
        case .answered: return nil
        case .firstEntry: return "first-entry"
        case .agreed: return "agreed"
        case .disagreed: return "disagreed"
        case .decided: return "decided"
        }
    }
    /// What an answer did, for the person who gave it. A second entry that differs says so,
    /// never what the first entry was.
    func answerMessage(label: String, shown: String, kind: ReviewAnswer.Kind, step: AnswerStep) -> String {
        switch step {
        case .answered: return "\(label) = \(shown) (\(answerKind(kind)))"
        case .firstEntry:
            return t("\(label): entri pertama \(shown) tersimpan; berlaku setelah orang kedua mengisi angka yang sama",
                     "\(label): first entry \(shown) stored; it stands once a second person enters the same")
        case .agreed:
            return t("\(label) = \(shown): sama dengan entri pertama, angka ini berlaku", "\(label) = \(shown): agrees with the first entry, the number stands")
        case .disagreed:
            return t("\(label): entri Anda \(shown) tersimpan; berbeda dari entri pertama: isian ini menunggu tinjauan ketiga",
                     "\(label): your entry \(shown) is stored; it differs from the first entry: the field waits for a third look")
        case .decided:
            return t("\(label) = \(shown) (tinjauan ketiga memutuskan)", "\(label) = \(shown) (the third look decides)")
        }
    }

    func answerKind(_ k: ReviewAnswer.Kind) -> String {
        switch (lang, k) {
        case (.id, .typed): return "diketik"
        case (.id, .confirmed): return "bacaan mesin dikonfirmasi"
        case (.id, .unreadable): return "tidak terbaca di foto"
        case (.en, .typed): return "typed"
        case (.en, .confirmed): return "machine reading confirmed"
        case (.en, .unreadable): return "unreadable on the photo"
        }
    }
    func defaultReason(_ k: ReviewAnswer.Kind) -> String {
        switch k {
        case .typed: return "diketik di halaman review"
        case .confirmed: return "bacaan dikonfirmasi di halaman review"
        case .unreadable: return "tidak terbaca di foto (lihat kertas asli)"
        }
    }

    func ruleOutcome(_ o: RuleResult.Outcome) -> String {
        switch (lang, o) {
        case (.id, .pass): return "cocok"
        case (.id, .fail): return "tidak cocok"
        case (.id, .unknown): return "belum bisa dihitung"
        case (.en, .pass): return "holds"
        case (.en, .fail): return "fails"
        case (.en, .unknown): return "cannot be computed yet"
        }
    }

    /// "123 + 274 + 32 = 429, tertulis 427: selisih 2".
    func difference(_ r: RuleLine) -> String {
        guard let l = r.left, let rt = r.right, let rel = r.relation else {
            return r.outcome == .unknown ? t("ada angka yang belum pasti", "a number in it is not sure yet") : r.numbers
        }
        let d = abs(l - rt)
        if r.outcome == .pass { return r.numbers }
        switch rel {
        case .equal:
            if r.rightIsSingle { return t("\(r.leftText) = \(l), tertulis \(rt): selisih \(d)", "\(r.leftText) = \(l), written \(rt): off by \(d)") }
            return t("\(r.numbers): kiri \(l), kanan \(rt): selisih \(d)", "\(r.numbers): left \(l), right \(rt): off by \(d)")
        default:
            return t("\(r.numbers) tidak terpenuhi (\(l) dan \(rt))", "\(r.numbers) does not hold (\(l) and \(rt))")
        }
    }

    // Errors.
    var errorHeading: String { t("Tidak bisa", "Cannot do that") }
    var forbidden: String { t("Akses ditolak. Buka alamat lengkap (dengan token) yang dicetak oleh scan-c1 review.",
                              "Access refused. Open the full address (with its token) that scan-c1 review printed.") }
    var notFound: String { t("Halaman ini tidak ada.", "There is no such page.") }
    var tooLarge: String { t("Permintaan terlalu besar.", "The request is too large.") }
    var csrf: String { t("Formulir ini kedaluwarsa. Muat ulang halaman lalu coba lagi.", "This form has expired. Reload the page and try again.") }
    var serverError: String { t("Terjadi kesalahan di server; lihat terminal tempat scan-c1 review berjalan.",
                                "Something went wrong on the server; see the terminal where scan-c1 review runs.") }
    func error(_ e: ReviewError) -> String {
        switch e {
        case .noSuchStation: return t("TPS ini tidak ada di database.", "There is no such station in the database.")
        case .noSuchField: return t("Isian ini tidak ada di halaman ini.", "There is no such field on this page.")
        case .badInput(let s):
            return t("'\(s)' bukan angka 0–999. Ketik angka (misalnya 140), X jika tidak terbaca, atau kosong untuk mengonfirmasi.",
                     "'\(s)' is not a number from 0 to 999. Type a number (such as 140), X when unreadable, or nothing to confirm.")
        case .nothingToConfirm: return t("Mesin tidak membaca angka di sini: ketik angkanya, atau X.", "The machine read no number here: type it, or X.")
        case .noName: return t("Tulis nama Anda dulu.", "Give your name first.")
        case .noSuchAnswer: return t("Tidak ada jawaban untuk dibatalkan.", "There is no answer to undo.")
        case .samePerson:
            return t("Anda sudah mengisi entri isian ini: entri kedua atau tinjauan ketiga harus dari orang lain.",
                     "You gave an entry of this field already: the second entry or the third look must come from someone else.")
        case .database: return serverError
        }
    }
}

import Batch
import DigitReader
import FormScan
import Foundation

/// What `verify` tells a PPK user when something fails, in Indonesian: each error the libraries
/// throw (worded in English there, for the other commands) said again with what to do about it.
/// An error not listed here is shown as the library words it; `if case` rather than `switch`,
/// so a case added to one of these errors falls back to its English wording.
enum IndonesianErrors {
    static func message(_ error: any Error) -> String {
        switch error {
        case let e as FormScanError: return formScan(e)
        case let e as DigitReaderError: return digitReader(e)
        case let e as VerifyError: return verify(e)
        case let e as Expectation.ParseError: return expectation(e)
        case let e as BatchError: return batch(e)
        default: return String(describing: error)
        }
    }

    static func formScan(_ e: FormScanError) -> String {
        if case .fileNotFound(let p) = e { return "\(p): berkas tidak ada" }
        if case .fileUnreadable(let p, let why) = e { return "\(p): berkas tidak dapat dibaca (\(why)): periksa izin aksesnya" }
        if case .emptyFile(let p) = e { return "\(p): berkas kosong: salin lagi dari ponsel atau kamera" }
        if case .notAnImage(let p) = e { return "\(p): bukan gambar JPEG, PNG, HEIC, AVIF, TIFF, BMP, GIF atau WebP" }
        if case .truncatedImage(let p) = e { return "\(p): data gambar terpotong (berkas tidak lengkap): salin lagi" }
        if case .corruptImage(let p, let why) = e { return "\(p): gambar rusak (\(why)): salin lagi" }
        if case .imageTooLarge(let p, let w, let h, let limit) = e, limit >= ImageLoader.pixelCeiling {
            return "\(p): \(w)x\(h) piksel melebihi \(limit) piksel yang boleh dimiliki satu halaman di sini (memori yang dibutuhkan): perkecil gambarnya"
        }
        if case .imageTooLarge(let p, let w, let h, let limit) = e {
            return "\(p): \(w)x\(h) piksel melebihi batas \(limit) piksel: perkecil gambarnya atau naikkan --max-pixels"
        }
        if case .imageTooSmall(let p, let w, let h) = e {
            return "\(p): \(w)x\(h) piksel terlalu kecil untuk membaca angka tulisan tangan: pindai atau foto dengan resolusi lebih tinggi"
        }
        if case .templateNotFound(let id, let known) = e {
            return "tidak ada templat '\(id)' (yang ada: \(known.joined(separator: ", ")))"
        }
        if case .templateInvalid(let file, let why) = e { return "templat \(file) tidak sah: \(why)" }
        if case .noFormFound(let p) = e {
            return "\(p): bukan halaman C1/C.Hasil yang dikenal: garis-garis tabel halaman yang dikenal (`scan-c1 templates`) tidak ditemukan; apakah seluruh halaman ada di foto?"
        }
        if case .wrongPage(let p, let t, let score) = e {
            return "\(p): ini tidak tampak seperti \(t) (hanya \(Int((score * 100).rounded()))% garis tabelnya ditemukan): apakah halaman dan templatnya benar?"
        }
        if case .tagContradicts(let p, let t, let tag, let named) = e {
            return "\(p): ini bukan \(t): AprilTag \(tag) di halaman ini menyatakan \(named); pindai dengan -t \(named) atau --template auto"
        }
        if case .writeFailed(let p, let why) = e { return "\(p): tidak dapat ditulis (\(why))" }
        if case .notARegularFile(let p, let what) = e {
            return "\(p): bukan berkas biasa (\(regularFile(what))): beri path foto atau hasil pindaian"
        }
        if case .damagedImage(let p, let why) = e {
            return "\(p): berkas rusak (\(why)), gambarnya tidak dapat dipercaya: salin lagi dari ponsel atau kamera"
        }
        if case .unsupportedImage(let p, let format, let why) = e {
            return "\(p): jenis \(format) yang tidak didukung (\(why)): simpan lagi sebagai JPEG atau PNG biasa"
        }
        if case .poorImage(let p, let problems) = e { return "\(p): ulangi foto: " + problems.map(quality).joined(separator: "; ") }
        return e.description
    }

    /// What `FormScanError.notARegularFile` names, in Indonesian.
    static func regularFile(_ what: String) -> String {
        switch what {
        case "a FIFO (named pipe)": return "FIFO (pipa bernama)"
        case "a character device": return "perangkat karakter"
        case "a block device": return "perangkat blok"
        case "a socket": return "soket"
        default: return what
        }
    }

    /// The quality gate's problems (FormScan/Quality), each with what to do.
    static func quality(_ problem: String) -> String {
        // PageScanner names the page it found after the last problem: " (the page is ID)".
        if let m = problem.firstMatch(of: /^(.*) \(the page is ([^()%]+)\)$/) {
            return quality(String(m.1)) + " (halaman ini: \(m.2))"
        }
        if let m = problem.firstMatch(of: /part of the page is outside the photo \((\d+)% missing\).*/) {
            return "sebagian halaman di luar foto (\(m.1)% hilang): foto ulang dengan seluruh lembar di dalam bingkai"
        }
        if problem.hasPrefix("the page is too small in the photo") {
            return "halaman terlalu kecil di foto: foto lebih dekat, sampai lembar memenuhi bingkai"
        }
        if problem.hasPrefix("the photo is too dark") { return "foto terlalu gelap: foto ulang dengan cahaya lebih terang (atau dengan lampu kilat)" }
        if problem.hasPrefix("the photo is washed out") {
            return "foto terlalu pucat (cetakan hampir tidak terlihat): foto ulang tanpa pantulan atau cahaya kuat pada lembar"
        }
        if let m = problem.firstMatch(of: /the photo has too few pixels to read the digits \(the page is (\d+)% of the size needed\).*/) {
            return "piksel foto terlalu sedikit untuk membaca angka (halaman \(m.1)% dari ukuran yang dibutuhkan): kirim foto asli, bukan salinan yang diperkecil aplikasi pesan, atau foto lebih dekat"
        }
        if problem.hasPrefix("the photo is blurred") { return "foto kabur: pegang ponsel dengan tenang, tunggu fokus, lalu foto ulang" }
        return problem
    }

    static func digitReader(_ e: DigitReaderError) -> String {
        if case .modelNotFound(let language, let searched) = e {
            return "model Tesseract '\(language).traineddata' tidak ditemukan (dicari di: \(searched.joined(separator: ", "))): pasang ulang scan-c1 (scripts/install.sh) atau beri --model-dir"
        }
        if case .modelUnreadable(let path, let reason) = e {
            return "model Tesseract di \(path) tidak dapat dimuat (\(reason)): pasang ulang atau arahkan --model-dir ke salinan yang baik"
        }
        if case .engineFailed(let why) = e { return "Tesseract gagal: \(why)" }
        return e.description
    }

    static func verify(_ e: VerifyError) -> String {
        if case .unknownField(let f, let known) = e {
            return "tidak ada isian '\(f)' di halaman ini (isian: \(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", …" : ""))"
        }
        if case .ambiguousField(let f, let t) = e {
            return "isian '\(f)' ada di beberapa halaman: tulis sebagai \(t.map { "\($0).\(f)" }.joined(separator: " atau "))"
        }
        if case .samePageTwice(let t) = e { return "dua gambar adalah halaman yang sama (\(t)): beri setiap halaman TPS satu kali" }
        return e.description
    }

    static func expectation(_ e: Expectation.ParseError) -> String {
        if case .unreadable(let p) = e { return "\(p): berkas nilai rekap tidak dapat dibaca" }
        if case .tooLarge(let p, let n) = e {
            return "\(p): \(n) byte bukan berkas rekap (paling besar \(Expectation.maxFileBytes) byte): apakah berkasnya benar?"
        }
        if case .empty(let p) = e { return "\(p): tidak ada nilai di berkas: diharapkan baris 'isian,nilai' atau baris dari `scan-c1 export`" }
        if case .badLine(let p, let n, let t) = e {
            return "\(p):\(n): diharapkan 'isian,nilai' (atau 'isian;nilai') atau baris hasil export, tertulis '\(Expectation.quote(t))'"
        }
        if case .badValue(let p, let n, let f, let t) = e {
            return "\(p):\(n): \(f): diharapkan angka 0 sampai 999, tertulis '\(Expectation.quote(t))'"
        }
        if case .twice(let p, let f) = e { return "\(p): \(f) diberikan dua kali" }
        if case .badPair(let t) = e { return "--expect '\(Expectation.quote(t))': diharapkan isian=nilai (angka 0 sampai 999) atau sebuah berkas" }
        if case .noFieldColumns(let p) = e { return "\(p): kepala tabel tidak menyebut kolom isian (setelah station,status,pages,templates)" }
        if case .noRowForStation(let p, let s, let rows) = e {
            let listed = rows.prefix(8).joined(separator: ", ") + (rows.count > 8 ? ", … (\(rows.count) baris)" : "")
            if let s { return "\(p): tidak ada baris untuk TPS \(s) (baris: \(listed)): beri rekap TPS ini" }
            return "\(p): ada baris beberapa TPS (\(listed)): beri rekap satu TPS"
        }
        if case .noValues(let p, let s) = e { return "\(p): baris \(s) tidak berisi angka untuk dibandingkan" }
        if case .unknownFields(let names, let known) = e {
            let hint = names.compactMap { n in known.contains(n.lowercased()) && n != n.lowercased() ? "\(n) → \(n.lowercased())" : nil }
            return "--expect: tidak ada isian \(names.map { "'\(Expectation.quote($0))'" }.joined(separator: ", ")) di halaman-halaman ini"
                + (hint.isEmpty ? "" : " (nama isian ditulis huruf kecil: \(hint.joined(separator: ", ")))")
                + "; isian halaman-halaman ini: \(known.joined(separator: ", "))"
        }
        if case .ambiguousField(let f, let t) = e {
            return "--expect: isian '\(f)' ada di beberapa halaman: tulis sebagai \(t.map { "\($0).\(f)" }.joined(separator: " atau "))"
        }
        return e.description
    }

    static func batch(_ e: BatchError) -> String {
        if case .database(let p, let why) = e {
            return "\(p): basis data batch tidak dapat dipakai (\(why)): apakah ini berkas SQLite yang ditulis scan-c1, di disk yang dapat ditulisi?"
        }
        if case .folderNotFound(let p) = e { return "\(p): folder tidak ada" }
        if case .notAFolder(let p) = e { return "\(p): bukan folder (beri folder yang berisi foto)" }
        if case .foreignDatabase(let p, let why) = e {
            return "\(p): bukan basis data batch scan-c1 (\(why)): berkas dibiarkan apa adanya; beri --db nama berkas baru atau basis data yang ditulis `scan-c1 batch`"
        }
        if case .damagedDatabase(let p, let missing) = e {
            return "\(p): basis data scan-c1 ini kehilangan sebagian skemanya (hilang: \(missing.joined(separator: ", "))): diubah oleh program lain; simpan untuk catatan dan beri --db berkas baru"
        }
        if case .busy(let p, let holder) = e {
            return "\(p): scan-c1 lain sedang memakai basis data ini (\(holder)): tunggu sampai selesai, atau beri --db lain"
        }
        return e.description
    }
}

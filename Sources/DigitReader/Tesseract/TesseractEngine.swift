import CTesseract
import Foundation

/// One Tesseract engine: a long-lived handle, never shared between threads.
///
/// Every call into Tesseract's C API lives in this file. Create one engine per worker;
/// `TesseractEngine.prepareProcess()` runs before the first one so that OpenMP does not
/// start a thread pool per call (with OpenMP on, parallel calls are about 8x slower).
public final class TesseractEngine {
    private let handle: OpaquePointer
    public let modelPath: String

    /// Sets `OMP_THREAD_LIMIT=1` unless the user set it. Called by `init`; idempotent.
    /// OpenMP reads it when the library loads, so a program should also call
    /// `ensureSingleThreadedOpenMP(arguments:)` first thing in `main`.
    public static func prepareProcess() {
        setenv("OMP_THREAD_LIMIT", "1", 0)
    }

    /// OpenMP (linked in through Tesseract) reads `OMP_THREAD_LIMIT` when the process starts,
    /// before any Swift code runs. If it is not set, set it and re-execute this program once
    /// so that it takes effect; returns normally when it already is.
    public static func ensureSingleThreadedOpenMP(arguments: [String]) {
        guard ProcessInfo.processInfo.environment["OMP_THREAD_LIMIT"] == nil else { return }
        setenv("OMP_THREAD_LIMIT", "1", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // exec failed (no /proc): carry on; Tesseract still works, only slower in parallel.
    }

    /// Loads `language`.traineddata from `directory`.
    /// - Parameter characters: the only characters Tesseract may answer with.
    public init(directory: String, language: String, characters: String = "0123456789Xx-") throws(DigitReaderError) {
        Self.prepareProcess()
        let path = (directory as NSString).appendingPathComponent("\(language).traineddata")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .modelUnreadable(path: path, reason: "missing or unreadable file")
        }
        // A traineddata file starts with a component count and an offset table; a tiny or
        // garbled file would make Tesseract print to stderr and fail, so check first.
        guard data.count > 64 else { throw .modelUnreadable(path: path, reason: "file too small (\(data.count) bytes)") }
        guard let api = TessBaseAPICreate() else { throw .engineFailed("TessBaseAPICreate returned nothing") }
        // Init4 reads the model from memory-independent path; OEM_LSTM_ONLY = 1 (DEFAULT picks what the model has).
        // Word lists are for prose: a box holds one symbol, and the dictionary search costs time.
        // These can only be set at initialisation.
        let initOnly = ["load_system_dawg", "load_freq_dawg", "load_punc_dawg", "load_number_dawg",
                        "load_unambig_dawg", "load_bigram_dawg"]
        var names = initOnly.map { strdup($0) }, values = initOnly.map { _ in strdup("0") }
        defer { (names + values).forEach { free($0) } }
        let rc = language.withCString { lang in
            directory.withCString { dir in
                names.withUnsafeMutableBufferPointer { n in
                    values.withUnsafeMutableBufferPointer { v in
                        TessBaseAPIInit4(api, dir, lang, OEM_DEFAULT, nil, 0, n.baseAddress, v.baseAddress, initOnly.count, 0)
                    }
                }
            }
        }
        if rc != 0 {
            TessBaseAPIDelete(api)
            throw .modelUnreadable(path: path, reason: "Tesseract could not initialise from it")
        }
        handle = api
        modelPath = path
        set("tessedit_char_whitelist", characters)
        set("user_defined_dpi", "300")
        set("lstm_choice_mode", "2")
        set("debug_file", "/dev/null")
        TessBaseAPISetPageSegMode(api, PSM_RAW_LINE)
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    private func set(_ name: String, _ value: String) {
        _ = name.withCString { n in value.withCString { v in TessBaseAPISetVariable(handle, n, v) } }
    }

    /// Recognises one prepared image (black ink on white) as one line of text: the text (its
    /// lines joined by spaces) and Tesseract's mean word confidence (0…1). Empty text when
    /// Tesseract saw nothing it could name.
    public func recognizeLine(_ image: GrayImage) -> (text: String, confidence: Double) {
        image.pixels.withUnsafeBufferPointer { buffer in
            TessBaseAPISetImage(handle, buffer.baseAddress, Int32(image.width), Int32(image.height), 1, Int32(image.width))
        }
        defer { TessBaseAPIClear(handle) }
        guard TessBaseAPIRecognize(handle, nil) == 0, let all = TessBaseAPIGetUTF8Text(handle) else { return ("", 0) }
        let text = String(cString: all).split(whereSeparator: \.isNewline).joined(separator: " ")
        TessDeleteText(all)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return (trimmed, trimmed.isEmpty ? 0 : Double(max(0, TessBaseAPIMeanTextConf(handle))) / 100)
    }

    /// Recognises one prepared image (black ink on white) as a single character and returns
    /// every choice Tesseract offers for the first symbol, with its confidence (0…1).
    /// An empty array means Tesseract saw nothing it could name.
    public func recognizeCharacter(_ image: GrayImage) -> [(text: String, confidence: Double)] {
        image.pixels.withUnsafeBufferPointer { buffer in
            TessBaseAPISetImage(handle, buffer.baseAddress, Int32(image.width), Int32(image.height), 1, Int32(image.width))
        }
        defer { TessBaseAPIClear(handle) }
        guard TessBaseAPIRecognize(handle, nil) == 0 else { return [] }
        // With nothing recognised the iterator points at no word and asking it for choices
        // aborts inside Tesseract: check the text first.
        guard let all = TessBaseAPIGetUTF8Text(handle) else { return [] }
        let text = String(cString: all)
        TessDeleteText(all)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
              let it = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(it) }
        let level = RIL_SYMBOL
        var choices: [(String, Double)] = []
        var symbolCount = 0
        repeat {
            symbolCount += 1
            if symbolCount > 1 { break }
            guard let choice = TessResultIteratorGetChoiceIterator(it) else {
                if let cText = TessResultIteratorGetUTF8Text(it, level) {
                    let t = String(cString: cText)
                    TessDeleteText(cText)
                    choices.append((t, Double(TessResultIteratorConfidence(it, level)) / 100))
                }
                break
            }
            repeat {
                if let t = TessChoiceIteratorGetUTF8Text(choice) {
                    choices.append((String(cString: t), Double(TessChoiceIteratorConfidence(choice)) / 100))
                }
            } while TessChoiceIteratorNext(choice) != 0
            TessChoiceIteratorDelete(choice)
        } while TessResultIteratorNext(it, level) != 0
        return choices
    }
}

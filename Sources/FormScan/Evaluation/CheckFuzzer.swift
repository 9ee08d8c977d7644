import DigitReader
import Foundation

/// The silent-error fuzzer for the checks: stations whose true numbers satisfy every hard rule,
/// every box given readings drawn from a `ReadingErrorModel`, the whole reconciliation and the
/// station checks run on them, and every number emitted `verified` or `corrected` with a wrong
/// value counted and described. The readers are not run: this measures the checks alone, over
/// far more pages than could be scanned.
public struct CheckFuzzer: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// C1-PPWP 2019, Lembar 1 and 2 of one station.
        case c1_2019 = "c1-2019"
        /// C.Hasil-PPWP 2024, pages 1 to 3 of one station.
        case chasil_2024 = "c-hasil-2024"
        /// The 2019 presidential plano sheet, alone.
        case plano_2019 = "plano-2019"
        /// The 2019 DPR plano sheet of one party, alone.
        case dpr_2019 = "dpr-2019"

        var templates: [String] {
            switch self {
            case .c1_2019: return ["c1-ppwp-2019-lembar1", "c1-ppwp-2019-lembar2"]
            case .chasil_2024: return ["c-hasil-ppwp-2024-hal1", "c-hasil-ppwp-2024-hal2", "c-hasil-ppwp-2024-hal3"]
            case .plano_2019: return ["c1-plano-ppwp-2019"]
            case .dpr_2019: return ["c1-plano-dpr-2019"]
            }
        }
    }

    /// One number emitted as good with a wrong value, and what led there.
    public struct SilentError: Sendable, Codable {
        public var station: Int
        public var template: String
        public var field: String
        public var status: FieldStatus
        public var value: Int?
        public var truth: Int
        public var reasons: [String]
        /// The page's rules as checked, with their numbers.
        public var rules: [String]
        /// Every misread number of the station: "template.field truth→first reading (box readings)".
        public var misreads: [String]
        /// A short signature to group errors of one shape: the fields misread and the wrong one.
        public var shape: String
    }

    public struct Report: Sendable, Codable {
        public var rate: Double
        public var seed: UInt64
        public var stations: Int
        public var pages: Int
        public var fields: Int
        /// Fields whose first reading (the best reading of every box) is wrong.
        public var misreadFields: Int
        public var verified: Int
        public var corrected: Int
        public var correctedRight: Int
        public var review: Int
        public var missing: Int
        public var silent: Int
        /// Fields with a words line, and those whose words were given a wrong number.
        public var wordsLines = 0
        public var wordsWrong = 0
        /// Fields whose reasons say the words confirmed or corrected them (emitted good).
        public var wordsConfirmed = 0
        public var wordsCorrected = 0
        public var silentPerMillion: Double { fields == 0 ? 0 : Double(silent) / Double(fields) * 1e6 }
        public var errors: [SilentError]

        enum CodingKeys: String, CodingKey {
            case rate, seed, stations, pages, fields, misreadFields, verified, corrected, correctedRight, review, missing, silent, errors
            case wordsLines, wordsWrong, wordsConfirmed, wordsCorrected
        }
    }

    public var store: TemplateStore
    public var model: ReadingErrorModel
    /// Misread rate as a multiple of the model's (1 = today's measured rate).
    public var rate: Double
    public var kinds: [Kind]
    /// The words lines' readings; nil: no words read (the checks as before issue 25).
    public var words: WordsErrors?

    /// How the fuzzer reads a words line (`Template.Field.words`): a share of the lines gives no
    /// number (unreadable, blank: today most lines), a share names a wrong number, the rest the
    /// truth. A wrong number is, in equal parts: one word changed (a unit or a ten off, drawn
    /// without looking at the boxes, so it lands on a misread of the digits only by chance, as
    /// two independent readers do); and a wrong number the arithmetic accepts, other than the
    /// boxes' (the value the page's other numbers imply for it as checked, else another of its
    /// boxes' candidates): the words a correction is most tempted by.
    public struct WordsErrors: Sendable {
        public var unreadable: Double
        public var wrong: Double
        public init(unreadable: Double = 0.5, wrong: Double = 0.05) {
            self.unreadable = unreadable
            self.wrong = wrong
        }
    }

    public init(store: TemplateStore, model: ReadingErrorModel, rate: Double = 1, kinds: [Kind] = Kind.allCases,
                words: WordsErrors? = nil) {
        self.store = store
        self.model = model
        self.rate = rate
        self.kinds = kinds
        self.words = words
    }

    /// Runs stations until `fields` fields have been checked, in `jobs` parallel parts with
    /// seeds derived from `seed`.
    public func run(fields target: Int, seed: UInt64, jobs: Int = 1) async throws -> Report {
        let parts = max(1, jobs)
        let me = self
        return try await withThrowingTaskGroup(of: Report.self) { group in
            for part in 0..<parts {
                group.addTask {
                    try me.runPart(fields: target / parts + (part < target % parts ? 1 : 0), seed: seed &+ UInt64(part) &* 0x1000_0000_01,
                                   stationOffset: part * 100_000_000)
                }
            }
            var total = Report(rate: rate, seed: seed, stations: 0, pages: 0, fields: 0, misreadFields: 0, verified: 0, corrected: 0,
                               correctedRight: 0, review: 0, missing: 0, silent: 0, errors: [])
            for try await r in group {
                total.stations += r.stations; total.pages += r.pages; total.fields += r.fields
                total.misreadFields += r.misreadFields; total.verified += r.verified; total.corrected += r.corrected
                total.correctedRight += r.correctedRight; total.review += r.review; total.missing += r.missing
                total.silent += r.silent; total.errors += r.errors
                total.wordsLines += r.wordsLines; total.wordsWrong += r.wordsWrong
                total.wordsConfirmed += r.wordsConfirmed; total.wordsCorrected += r.wordsCorrected
            }
            total.errors.sort { ($0.station, $0.template, $0.field) < ($1.station, $1.template, $1.field) }
            return total
        }
    }

    func runPart(fields target: Int, seed: UInt64, stationOffset: Int) throws -> Report {
        var rng = SeededGenerator(seed: seed)
        var report = Report(rate: rate, seed: seed, stations: 0, pages: 0, fields: 0, misreadFields: 0, verified: 0, corrected: 0,
                            correctedRight: 0, review: 0, missing: 0, silent: 0, errors: [])
        let templates = try Dictionary(uniqueKeysWithValues: kinds.flatMap(\.templates).map { ($0, try store.template($0)) })
        var station = stationOffset
        while report.fields < target {
            let kind = kinds[station % kinds.count]
            let truth = StationValues.draw(kind, rng: &rng)
            let (pages, misreads, wrongWords) = check(station: station, kind: kind, truth: truth, templates: templates, rng: &rng)
            report.wordsWrong += wrongWords
            report.stations += 1
            report.pages += pages.count
            report.misreadFields += misreads.count
            for page in pages {
                for (id, f) in page.fields {
                    guard let t = truth[id] else { continue }
                    report.fields += 1
                    if f.words != nil { report.wordsLines += 1 }
                    if f.status <= .corrected, f.reasons.contains(where: { $0.hasPrefix(WordsEvidence.prefix) }) {
                        if f.reasons.contains(where: { $0.hasPrefix(WordsEvidence.prefix) && $0.contains("; corrected to ") }) {
                            report.wordsCorrected += 1
                        } else { report.wordsConfirmed += 1 }
                    }
                    switch f.status {
                    case .verified: report.verified += 1
                    case .corrected: report.corrected += 1; if f.value == t { report.correctedRight += 1 }
                    case .review: report.review += 1
                    case .missing: report.missing += 1
                    }
                    guard f.status <= .corrected, f.value != t else { continue }
                    report.silent += 1
                    let misreadIDs = misreads.map(\.id).sorted()
                    report.errors.append(SilentError(
                        station: station, template: page.template, field: id, status: f.status, value: f.value, truth: t,
                        reasons: f.reasons,
                        rules: page.rules.map { "\($0.label): \($0.numbers) \($0.outcome.rawValue)" },
                        misreads: misreads.map(\.text),
                        shape: "\(page.template) \(id) wrong; misread: \(misreadIDs.joined(separator: ", "))"))
                }
            }
            station += 1
        }
        return report
    }

    /// One station: boxes drawn for every page, each page checked, then the station rules.
    func check(station: Int, kind: Kind, truth: [String: Int], templates: [String: LoadedTemplate],
               rng: inout SeededGenerator) -> (pages: [PageResult], misreads: [(id: String, text: String)], wrongWords: Int) {
        var pages: [PageResult] = []
        var misreads: [(id: String, text: String)] = []
        var wrongWords = 0
        for id in kind.templates {
            guard let template = templates[id] else { continue }
            var boxes: [String: [BoxResult]] = [:]
            for f in template.template.fields {
                guard let value = truth[f.id] else { continue }
                let symbols = Self.symbols(value, boxes: f.boxes.count, filler: template.template.fillerSymbol, rng: &rng)
                var read: [BoxResult] = []
                var wrong = false
                for (i, s) in symbols.enumerated() {
                    let (b, m) = model.reading(of: s, position: i, rate: rate, rng: &rng)
                    read.append(b)
                    wrong = wrong || m
                }
                boxes[f.id] = read
                if wrong, case .value(let first) = FieldAssembly.assemble(read.compactMap(\.symbol)), first == value {
                    wrong = false  // a filler read as another filler: the same number
                }
                if wrong {
                    let text = read.map { b in b.candidates.prefix(3).map { "\($0.symbol) \(Int(($0.probability * 100).rounded()))%" }.joined(separator: ", ") }
                    misreads.append((f.id, "\(id).\(f.id) \(value) → \(read.map { $0.symbol?.description ?? "?" }.joined(separator: " ")) [\(text.joined(separator: "] ["))]"))
                }
            }
            var (fields, rules, _) = Reconciler(template: template).check(boxes: boxes)
            if let words {
                for f in template.template.fields where f.words != nil {
                    guard let t = truth[f.id], var result = fields[f.id] else { continue }
                    let reading = Self.wordsReading(truth: t, field: result, fields: fields, template: template, errors: words, rng: &rng)
                    if let v = reading.value, v != t { wrongWords += 1 }
                    result.words = reading
                    fields[f.id] = result
                }
                WordsEvidence.apply(to: &fields, rules: &rules, template: template)
            }
            let registration = Registration(quarterTurns: 0, transform: .identity, residual: 0, coverage: 1, coarseScore: 1,
                                            skewDegrees: 0, scale: 1)
            pages.append(PageResult(file: "fuzz-\(station)-\(id)", template: id, templateTitle: template.template.title,
                                    image: .init(width: 0, height: 0, format: "none", exifOrientation: 1),
                                    registration: registration, fields: fields,
                                    fieldOrder: template.template.fields.map(\.id), rules: rules,
                                    status: fields.values.map(\.status).max() ?? .missing, timings: Timings()))
        }
        StationChecker.apply(to: &pages, store: store)
        return (pages, misreads, wrongWords)
    }

    /// A words line's reading drawn for a field whose true number is `truth` (`WordsErrors`).
    static func wordsReading(truth: Int, field: FieldResult, fields: [String: FieldResult], template: LoadedTemplate,
                             errors: WordsErrors, rng: inout SeededGenerator) -> WordsReading {
        let u = Double.random(in: 0..<1, using: &rng)
        func said(_ n: Int) -> WordsReading {
            WordsReading(text: (NumberWords.words(n) ?? "").uppercased(), value: n, probability: 0.95)
        }
        if u < errors.unreadable { return WordsReading(text: "", value: nil, probability: 0) }
        guard u < errors.unreadable + errors.wrong else { return said(truth) }
        let largest = Reconciler.largestValue(boxes: field.boxes.count)
        func oneWordOff() -> Int {
            for _ in 0..<20 {
                let n = Bool.random(using: &rng) ? truth / 10 * 10 + Int.random(in: 0...9, using: &rng)
                                                 : truth / 100 * 100 + Int.random(in: 0...9, using: &rng) * 10 + truth % 10
                if n != truth && n <= largest { return n }
            }
            return truth == 0 ? 1 : truth - 1
        }
        if Bool.random(using: &rng) { return said(oneWordOff()) }
        let tempting: (Int) -> Bool = { $0 != truth && $0 != field.value && $0 <= largest }
        let values: [String: Int?] = fields.mapValues { $0.setAside == true ? nil : $0.value }
        let implied = template.rules.filter { !$0.soft && $0.relation == .equal && $0.fieldIDs.contains(field.id) }
            .compactMap { Reconciler.implied(field.id, by: $0, values: values) }
        if let n = implied.first(where: tempting) { return said(n) }
        if let n = WordsReader.candidates(field).first(where: tempting) { return said(n) }
        return said(oneWordOff())
    }

    /// The boxes of `value` as officers write it: leading boxes filled (`X`, or `-` where the
    /// template says so), zero as `XXX`, `XX0` or all fillers.
    static func symbols(_ value: Int, boxes: Int, filler: BoxSymbol, rng: inout SeededGenerator) -> [BoxSymbol] {
        let digits = String(value).compactMap { $0.wholeNumberValue }.map { BoxSymbol.digit($0) }
        if value == 0 {
            return Bool.random(using: &rng) ? Array(repeating: filler, count: boxes)
                                           : Array(repeating: filler, count: boxes - 1) + [.digit(0)]
        }
        return Array(repeating: filler, count: max(0, boxes - digits.count)) + digits
    }
}

/// True numbers of one station that satisfy every hard rule of its pages (FORMS.md).
enum StationValues {
    static func draw(_ kind: CheckFuzzer.Kind, rng: inout SeededGenerator) -> [String: Int] {
        func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        var v: [String: Int] = [:]
        switch kind {
        case .plano_2019, .c1_2019, .chasil_2024:
            for c in ["l", "p"] {
                v["pemilih_dpt_\(c)"] = int(40...150)
                v["pemilih_dptb_\(c)"] = chance(0.7) ? 0 : int(1...5)
                v["pemilih_dpk_\(c)"] = chance(0.6) ? 0 : int(1...10)
                for r in ["dpt", "dptb", "dpk"] {
                    let base = v["pemilih_\(r)_\(c)"]!
                    v["pengguna_\(r)_\(c)"] = r == "dpt" ? Int((Double(base) * Double.random(in: 0.6...0.97, using: &rng)).rounded()) : int(0...base)
                }
                v["pemilih_total_\(c)"] = v["pemilih_dpt_\(c)"]! + v["pemilih_dptb_\(c)"]! + v["pemilih_dpk_\(c)"]!
                v["pengguna_total_\(c)"] = v["pengguna_dpt_\(c)"]! + v["pengguna_dptb_\(c)"]! + v["pengguna_dpk_\(c)"]!
                v["disabilitas_terdaftar_\(c)"] = chance(0.7) ? 0 : int(1...3)
                v["disabilitas_pengguna_\(c)"] = int(0...v["disabilitas_terdaftar_\(c)"]!)
            }
            for r in ["pemilih_dpt", "pemilih_dptb", "pemilih_dpk", "pemilih_total", "pengguna_dpt", "pengguna_dptb",
                      "pengguna_dpk", "pengguna_total", "disabilitas_terdaftar", "disabilitas_pengguna"] {
                v["\(r)_j"] = v["\(r)_l"]! + v["\(r)_p"]!
            }
            let used = v["pengguna_total_j"]!
            let dpt = v["pemilih_dpt_j"]!
            let rusak = chance(0.6) ? 0 : int(1...3)
            let received = max(dpt + Int((Double(dpt) * 0.02 - 1e-9).rounded(.up)), used + rusak)
            v["surat_suara_diterima"] = received
            v["surat_suara_rusak"] = rusak
            v["surat_suara_digunakan"] = used
            v["surat_suara_tidak_digunakan"] = received - rusak - used
            let invalid = chance(0.3) ? 0 : int(1...max(1, used / 15))
            let valid = used - invalid
            v["suara_total"] = used
            v["suara_tidak_sah"] = invalid
            v["suara_sah"] = valid
            if kind == .chasil_2024 {
                let a = int(0...valid), b = int(0...(valid - a))
                v["suara_paslon_01"] = a; v["suara_paslon_02"] = b; v["suara_paslon_03"] = valid - a - b
            } else {
                let a = int(0...valid)
                v["suara_paslon_01"] = a; v["suara_paslon_02"] = valid - a
            }
            if kind == .plano_2019 {
                v = v.filter { $0.key.hasPrefix("suara_") }
            }
        case .dpr_2019:
            var total = 0
            v["suara_partai"] = int(0...60); total += v["suara_partai"]!
            for i in 1...10 {
                let n = chance(0.4) ? 0 : int(0...40)
                v[String(format: "suara_calon_%02d", i)] = n
                total += n
            }
            v["suara_total_partai"] = total
        }
        return v
    }
}

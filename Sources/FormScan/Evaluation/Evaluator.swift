import DigitReader
import Foundation

/// Runs the pipeline over every image with a truth file and scores it.
public struct Evaluator {
    public var scanner: PageScanner
    /// How page markers look at the end of file names (see StationChecker.stationKey).
    public var pagePattern = StationChecker.defaultPagePattern

    public init(scanner: PageScanner) { self.scanner = scanner }

    /// Images under `directory` (recursive) that have a `.truth.json` beside them, sorted.
    public static func labelledImages(in directory: String) -> [String] {
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".truth.json") || rel.hasSuffix(".json") { continue }
            let full = (directory as NSString).appendingPathComponent(rel)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue,
               fm.fileExists(atPath: TruthFile.path(forImage: full)) {
                out.append(full)
            }
        }
        return out.sorted()
    }

    public func run(directory: String, progress: ((Int, Int, String) -> Void)? = nil) throws(FormScanError) -> EvalReport {
        let images = Self.labelledImages(in: directory)
        var truths: [String: TruthFile] = [:]
        var results: [String: (PageResult, Double)] = [:]
        var errors: [String: String] = [:]
        for (i, path) in images.enumerated() {
            progress?(i + 1, images.count, path)
            let truth = try TruthFile.load(TruthFile.path(forImage: path))
            truths[path] = truth
            let start = ContinuousClock.now
            do {
                let result = try scanner.scan(path: path, templateID: truth.template)
                let d = ContinuousClock.now - start
                results[path] = (result, Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
            } catch {
                errors[path] = error.description
            }
        }
        // Rules across the pages of a station (file-name convention, see StationChecker).
        for (_, paths) in StationChecker.group(images, pagePattern: pagePattern) {
            var pages = paths.compactMap { results[$0]?.0 }
            guard pages.count > 1 else { continue }
            StationChecker.apply(to: &pages, store: scanner.store)
            for page in pages { results[page.file]?.0 = page }
        }
        var pages: [EvalReport.Page] = []
        for path in images {
            let truth = truths[path]!
            if let (result, ms) = results[path] {
                pages.append(Self.score(result, truth: truth, path: path, milliseconds: ms))
            } else {
                pages.append(EvalReport.Page(file: path, template: truth.template, error: errors[path], fields: [], milliseconds: 0, status: nil))
            }
        }
        return EvalReport(pages: pages)
    }

    /// Whether a box symbol agrees with the truth value at that position (right-aligned digits;
    /// leading positions must be a filler; a zero may be written `X`).
    static func boxCorrect(_ symbol: BoxSymbol?, position: Int, boxes: Int, truth: Int) -> Bool {
        guard let symbol else { return false }
        let digits = String(truth).compactMap { $0.wholeNumberValue }
        let leading = boxes - digits.count
        if position < leading { return symbol.isFiller }
        let d = digits[position - leading]
        if truth == 0 { return symbol == .digit(0) || symbol.isFiller }
        return symbol == .digit(d)
    }

    static func score(_ r: PageResult, truth: TruthFile, path: String, milliseconds: Double) -> EvalReport.Page {
        var fields: [EvalReport.Field] = []
        for (id, expected) in truth.fields.sorted(by: { $0.key < $1.key }) {
            guard let f = r.fields[id] else {
                fields.append(.init(id: id, expected: expected, value: nil, status: .missing, boxesCorrect: 0, boxes: 0, read: "")); continue
            }
            let n = f.boxes.count
            let correct = f.boxes.filter { boxCorrect($0.symbol, position: $0.position, boxes: n, truth: expected) }.count
            let read = f.boxes.map { $0.symbol?.description ?? "?" }.map { $0 == "blank" ? "_" : $0 }.joined()
            var field = EvalReport.Field(id: id, expected: expected, value: f.value, status: f.status, boxesCorrect: correct, boxes: n, read: read)
            if f.status != .verified { field.reasons = f.reasons }
            fields.append(field)
        }
        var page = EvalReport.Page(file: path, template: r.template, error: nil, fields: fields, milliseconds: milliseconds, status: r.status)
        page.checksMilliseconds = r.timings.checks
        page.expectReview = truth.expect == "review"
        return page
    }
}

/// What `scan-c1 eval` reports.
public struct EvalReport: Sendable, Codable {
    public struct Field: Sendable, Codable {
        public var id: String
        public var expected: Int
        public var value: Int?
        public var status: FieldStatus
        public var boxesCorrect: Int
        public var boxes: Int
        /// The box symbols as read, e.g. `X75`.
        public var read: String
        /// Why the field is not verified (absent when it is, and in reports of earlier versions).
        public var reasons: [String]? = nil
        public var correct: Bool { value == expected }
        /// Emitted as good but wrong: the number that must be zero.
        public var silentError: Bool { (status == .verified || status == .corrected) && value != expected }
    }
    public struct Page: Sendable, Codable {
        public var file: String
        public var template: String
        public var error: String?
        public var fields: [Field]
        public var milliseconds: Double
        public var status: FieldStatus?
        /// The truth says this page must go to review (a deliberate arithmetic error).
        public var expectReview: Bool? = nil
        /// Time spent choosing values with the rules (reconciliation), milliseconds.
        public var checksMilliseconds: Double? = nil
        public var allCorrect: Bool { error == nil && fields.allSatisfy(\.correct) }
        public var fieldsCorrect: Int { fields.filter(\.correct).count }
    }

    public var pages: [Page]

    public init(pages: [Page]) { self.pages = pages }

    enum CodingKeys: String, CodingKey { case summary, pages }
    public init(from decoder: Decoder) throws {
        pages = try decoder.container(keyedBy: CodingKeys.self).decode([Page].self, forKey: .pages)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(summary, forKey: .summary)
        try c.encode(pages, forKey: .pages)
    }

    /// The pages that went worst, at most `limit`, worst first: pages that could not be read,
    /// then by silent errors, wrong fields, misread boxes (even where the rules put the value
    /// right) and fields sent to review or missing. Pages with none of these are left out.
    public func worstPages(_ limit: Int) -> [Page] {
        func badness(_ p: Page) -> [Int] {
            [p.error != nil ? 1 : 0, p.fields.filter(\.silentError).count, p.fields.count - p.fieldsCorrect,
             p.fields.reduce(0) { $0 + $1.boxes - $1.boxesCorrect }, p.fields.filter { $0.status >= .review }.count]
        }
        let scored = pages.map { ($0, badness($0)) }.filter { $0.1.contains { $0 > 0 } }
        return scored.sorted { a, b in a.1 != b.1 ? b.1.lexicographicallyPrecedes(a.1) : a.0.file < b.0.file }.prefix(limit).map(\.0)
    }

    /// A warning when `baseline` was measured on other pages than this report (another folder,
    /// pages added or removed): its totals are then not comparable. Pages are matched by file
    /// name and template, so the same folder given by another path still matches.
    public func coverageWarning(against baseline: EvalReport) -> String? {
        func keys(_ r: EvalReport) -> Set<String> {
            Set(r.pages.map { "\(($0.file as NSString).lastPathComponent)|\($0.template)" })
        }
        let now = keys(self), before = keys(baseline)
        guard now != before else { return nil }
        let both = now.intersection(before).count
        return "the baseline was measured on other pages (\(both) in both, \(now.count - both) only in this run, \(before.count - both) only in the baseline): the totals compared are not of the same pages"
    }

    /// Differences from an earlier report that count as regressions: field accuracy or whole-page
    /// accuracy down by more than `tolerance`, any new silent error, review rate up by more than
    /// `tolerance`, more pages that could not be read.
    public func regressions(against baseline: EvalReport, tolerance: Double) -> [String] {
        let now = summary, before = baseline.summary
        var out: [String] = []
        if now.fieldAccuracy < before.fieldAccuracy - tolerance {
            out.append(String(format: "field accuracy fell from %.2f%% to %.2f%%", before.fieldAccuracy * 100, now.fieldAccuracy * 100))
        }
        if now.pageAccuracy < before.pageAccuracy - tolerance {
            out.append(String(format: "whole-page accuracy fell from %.2f%% to %.2f%%", before.pageAccuracy * 100, now.pageAccuracy * 100))
        }
        if now.silentErrors > before.silentErrors {
            out.append("silent errors rose from \(before.silentErrors) to \(now.silentErrors)")
        }
        if now.reviewRate > before.reviewRate + tolerance {
            out.append(String(format: "review rate rose from %.2f%% to %.2f%%", before.reviewRate * 100, now.reviewRate * 100))
        }
        if now.mustReview - now.mustReviewFlagged > before.mustReview - before.mustReviewFlagged {
            out.append("pages with a deliberate error that escaped review rose to \(now.mustReview - now.mustReviewFlagged)")
        }
        if now.pageErrors > before.pageErrors {
            out.append("pages that could not be read rose from \(before.pageErrors) to \(now.pageErrors)")
        }
        return out
    }

    public struct Summary: Sendable, Codable {
        public var pages: Int
        public var pageErrors: Int
        public var fields: Int
        public var fieldsCorrect: Int
        public var fieldAccuracy: Double
        public var pagesAllCorrect: Int
        public var pageAccuracy: Double
        public var boxes: Int
        public var boxesCorrect: Int
        public var boxAccuracy: Double
        public var silentErrors: Int
        public var verifiedOrCorrected: Int
        public var review: Int
        public var missing: Int
        public var reviewRate: Double
        /// Fields that are correct or sent to review/missing (the promise: never silently wrong).
        public var correctOrFlagged: Int
        public var medianMilliseconds: Double
        public var worstMilliseconds: Double
        /// Pages whose truth demands review, and how many of them came out review (or worse).
        public var mustReview: Int
        public var mustReviewFlagged: Int
        public var medianChecksMilliseconds: Double
        public var worstChecksMilliseconds: Double
    }

    public var summary: Summary {
        let fs = pages.flatMap(\.fields)
        let boxes = fs.reduce(0) { $0 + $1.boxes }, boxesCorrect = fs.reduce(0) { $0 + $1.boxesCorrect }
        let times = pages.filter { $0.error == nil }.map(\.milliseconds).sorted()
        let checks = pages.compactMap(\.checksMilliseconds).sorted()
        let review = fs.filter { $0.status == .review }.count, missing = fs.filter { $0.status == .missing }.count
        let good = fs.filter { $0.status == .verified || $0.status == .corrected }.count
        return Summary(
            pages: pages.count, pageErrors: pages.filter { $0.error != nil }.count,
            fields: fs.count, fieldsCorrect: fs.filter(\.correct).count,
            fieldAccuracy: fs.isEmpty ? 0 : Double(fs.filter(\.correct).count) / Double(fs.count),
            pagesAllCorrect: pages.filter(\.allCorrect).count,
            pageAccuracy: pages.isEmpty ? 0 : Double(pages.filter(\.allCorrect).count) / Double(pages.count),
            boxes: boxes, boxesCorrect: boxesCorrect, boxAccuracy: boxes == 0 ? 0 : Double(boxesCorrect) / Double(boxes),
            silentErrors: fs.filter(\.silentError).count, verifiedOrCorrected: good, review: review, missing: missing,
            reviewRate: fs.isEmpty ? 0 : Double(review + missing) / Double(fs.count),
            correctOrFlagged: fs.filter { $0.correct || $0.status == .review || $0.status == .missing }.count,
            medianMilliseconds: times.isEmpty ? 0 : times[times.count / 2], worstMilliseconds: times.last ?? 0,
            mustReview: pages.filter { $0.expectReview == true }.count,
            mustReviewFlagged: pages.filter { $0.expectReview == true && ($0.error != nil || ($0.status ?? .missing) >= .review) }.count,
            medianChecksMilliseconds: checks.isEmpty ? 0 : checks[checks.count / 2], worstChecksMilliseconds: checks.last ?? 0)
    }
}

import ArgumentParser
import FormScan
import Foundation

/// `scan-c1 fuzz-checks`: the silent-error fuzzer for the checks (a benchmark, not a test).
struct FuzzChecksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz-checks",
        abstract: "Count wrong numbers the checks would emit as good, on many simulated stations.",
        discussion: """
        Draws stations whose true numbers satisfy every hard rule (C1 2019 Lembar 1 + 2, C.Hasil 2024 \
        pages 1-3, the 2019 presidential plano sheet, the DPR plano sheet), gives every box readings \
        from an error model fitted to the readers' measured confusions (scripts/checks-fuzz/), runs the \
        reconciliation and the station checks, and counts the fields emitted verified or corrected \
        with a wrong value ("silent errors"). Prints one row per rate; --json for the full report with \
        every silent error's readings and rules.

        Exit codes: 0 no silent error, 1 at least one silent error at some rate, 3 the templates or \
        the error model could not be loaded.
        """
    )

    @Option(help: "Fields to check at each rate.")
    var fields: Int = 1_000_000

    @Option(help: "Misread rates, as multiples of the model's measured rate (comma-separated).")
    var rates: String = "1,3"

    @Option(help: "Seed (the same seed gives the same stations).")
    var seed: UInt64 = 1

    @Option(help: "Parallel parts.")
    var jobs: Int = 2

    @Option(help: "The fitted error model (JSON).")
    var errorModel: String = "scripts/checks-fuzz/error-model.json"

    @Option(help: "Station kinds (comma-separated: c1-2019, c-hasil-2024, plano-2019, dpr-2019).")
    var kinds: String = CheckFuzzer.Kind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Folder of template JSON files (default: the shipped templates).")
    var templates: String?

    @Option(help: "Words lines: the share read to no number, and the share read to a wrong one (comma-separated), or 'off' to read no words.")
    var words: String = "0.5,0.05"

    @Flag(help: "Print the full report as JSON.")
    var json = false

    func run() async throws {
        let store: TemplateStore
        let model: ReadingErrorModel
        do {
            store = try TemplateStore(directory: templates)
            model = try ReadingErrorModel.load(errorModel)
        } catch {
            Diagnostics.error("cannot load the templates or the error model: \(error)")
            throw ExitCode(Exit.setupFailed)
        }
        let kindList = try kinds.split(separator: ",").map { k -> CheckFuzzer.Kind in
            guard let kind = CheckFuzzer.Kind(rawValue: String(k)) else { throw ValidationError("unknown kind '\(k)'") }
            return kind
        }
        let rateList = try rates.split(separator: ",").map { r -> Double in
            guard let v = Double(r), v > 0 else { throw ValidationError("bad rate '\(r)'") }
            return v
        }
        let wordsErrors: CheckFuzzer.WordsErrors?
        if words == "off" { wordsErrors = nil } else {
            let parts = words.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 >= 0 }), parts[0] + parts[1] <= 1 else {
                throw ValidationError("bad --words '\(words)': two shares, e.g. 0.5,0.05, or 'off'")
            }
            wordsErrors = .init(unreadable: parts[0], wrong: parts[1])
        }
        var reports: [CheckFuzzer.Report] = []
        if !json {
            print("error model: \(model.source); box misread rate ×1 = \(String(format: "%.3f%%", model.missRate * 100))")
            print("rate  stations   fields     misread  verified  corrected(right)  review   missing  silent  per million")
        }
        for rate in rateList {
            let fuzzer = CheckFuzzer(store: store, model: model, rate: rate, kinds: kindList, words: wordsErrors)
            let r = try await fuzzer.run(fields: fields, seed: seed, jobs: jobs)
            reports.append(r)
            if !json {
                print(String(format: "×%-4g %8d %9d %9d %9d %9d(%d) %8d %8d %7d %10.2f", rate, r.stations, r.fields, r.misreadFields,
                             r.verified, r.corrected, r.correctedRight, r.review, r.missing, r.silent, r.silentPerMillion))
                if wordsErrors != nil {
                    print("      words: \(r.wordsLines) lines, \(r.wordsWrong) read to a wrong number; confirmed by the words \(r.wordsConfirmed), corrected by them \(r.wordsCorrected)")
                }
                var shapes: [String: Int] = [:]
                for e in r.errors { shapes[e.shape, default: 0] += 1 }
                for (shape, n) in shapes.sorted(by: { $0.value > $1.value }) { print("      \(n)× \(shape)") }
                for e in r.errors.prefix(20) {
                    print("      station \(e.station) \(e.template).\(e.field): \(e.value.map(String.init) ?? "nil") \(e.status.rawValue), truth \(e.truth)")
                    for m in e.misreads { print("        misread \(m)") }
                    for rule in e.rules { print("        \(rule)") }
                    for reason in e.reasons { print("        reason: \(reason)") }
                }
            }
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            FileHandle.standardOutput.write(try enc.encode(reports))
            print()
        }
        if reports.contains(where: { $0.silent > 0 }) { throw ExitCode(Exit.needsReview) }
    }
}

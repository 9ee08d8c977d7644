import ArgumentParser
import FormScan
import Foundation

/// Names pages without reading them: the identification stage alone, for its benchmark
/// (scripts/bench-identify.sh) and for a look at why a page was taken for another.
struct IdentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Name the page each image shows (its AprilTag, its layout fingerprint), without registering or reading it.",
        shouldDisplay: false
    )

    @Argument(help: "Page images.")
    var images: [String] = []

    @Flag(help: "Write each untagged template's reference fingerprint (ID.fingerprint) beside it in --templates.")
    var writeFingerprints = false

    @Option(name: .long, help: "Folder of template JSON files (default: the shipped templates).")
    var templates: String?

    @Option(help: "Identify each image this many times and report the fastest (timing).")
    var repeats = 1

    @Flag(help: "Print JSON (one object per image: file, and the identification as in the scan result).")
    var json = false

    func run() throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: templates) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
        if writeFingerprints {
            guard templates != nil else {
                Diagnostics.error("--write-fingerprints needs --templates FOLDER (the template sources, e.g. Sources/FormScan/Templates)")
                throw ExitCode(Exit.badInput)
            }
            do { for path in try PageIdentifier.writeFingerprints(store) { print(path) } } catch {
                Diagnostics.error(error.description)
                throw ExitCode(Exit.badInput)
            }
            return
        }
        let identifier = PageIdentifier(store: store)
        var out: [[String: Identification]] = []
        var failed = false
        for path in images {
            do {
                let found = try identifier.identify(path: path, repeats: max(1, repeats))
                if json { out.append([path: found]) } else {
                    let list = found.candidates.map { "\($0.template) \(String(format: "%.3f", $0.score))" }.joined(separator: ", ")
                    let tag = found.aprilTag.map { " tag \($0.id) -> \(found.tagTemplate ?? "?")" } ?? ""
                    print("\(path)\t\(String(format: "%.1f", found.milliseconds)) ms\t\(found.route.rawValue)\tmargin \(String(format: "%.3f", found.margin))\t\(found.fingerprintOf ?? "-")\(tag)\t\(list)")
                }
            } catch {
                Diagnostics.error(error.description)
                failed = true
            }
        }
        if json { print(jsonString(out)) }
        if failed { throw ExitCode(Exit.badInput) }
    }
}

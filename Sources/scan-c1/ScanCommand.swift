import ArgumentParser
import DigitReader
import FormScan
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Read one or more page images and print each field, its boxes, the rules and a status.",
        discussion: """
        A file name that begins with a dash goes after `--`: scan-c1 scan -- -hal2.jpg (without it, it is refused as an unknown option, exit 64).

        Exit codes: 0 every field verified or corrected; 1 some fields need review or are missing; 2 an image could not be read as a form; 3 the reader or templates could not be loaded; 64 bad usage.
        """
    )

    @Argument(help: "Page images (JPEG, PNG, TIFF…; the format is read from the content).")
    var images: [String]

    @Option(name: .shortAndLong, help: "Template id, or 'auto' to identify the page (see `scan-c1 templates`).")
    var template: String = "auto"

    @Flag(help: "Print JSON (schema: docs/result-schema.md) instead of a table.")
    var json = false

    @OptionGroup var reader: ReaderOptions

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image") }
    }

    func run() throws {
        let scanner = try reader.makeScanner()
        var worst = Exit.ok
        var results: [PageResult] = []
        for path in images {
            do {
                results.append(try scanner.scan(path: path, templateID: template))
            } catch {
                Diagnostics.error(error.description)
                worst = max(worst, Exit.badInput)
            }
        }
        // Pages of one station given together are checked against each other too.
        for (_, paths) in StationChecker.group(results.map(\.file)) where paths.count > 1 {
            var pages = results.filter { paths.contains($0.file) }
            StationChecker.apply(to: &pages, store: scanner.store)
            for page in pages { if let i = results.firstIndex(where: { $0.file == page.file }) { results[i] = page } }
        }
        for result in results {
            if !json { print(ResultTable.render(result)) }
            if result.status > .corrected { worst = max(worst, Exit.needsReview) }
        }
        if json { print(results.count == 1 && images.count == 1 ? jsonString(results[0]) : jsonString(results)) }
        if worst != Exit.ok { throw ExitCode(worst) }
    }
}

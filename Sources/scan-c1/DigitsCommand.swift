import ArgumentParser
import DigitReader
import FormScan
import Foundation

struct DigitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Work with single digit boxes: export labelled crops for training.",
        subcommands: [DigitsExport.self]
    )
}

struct DigitsExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the cleaned box crops of verified pages (images with NAME.truth.json) as labelled training data.",
        discussion: "Writes OUT/<label>/<page>__<field>__<position>.pgm with label 0-9, X or dash."
    )

    @Argument(help: "Folder searched recursively for images with a truth file.")
    var directory: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var out: String

    @OptionGroup var reader: ReaderOptions

    func run() throws {
        let scanner = try reader.makeScanner()
        do {
            let s = try BoxExporter(scanner: scanner).export(directory: directory, to: out)
            print("exported \(s.boxes) boxes from \(s.pages) pages (\(s.skipped) boxes without a label or ink)")
            for e in s.errors { Diagnostics.error(e) }
            if !s.errors.isEmpty { throw ExitCode(Exit.badInput) }
        } catch let e as FormScanError {
            Diagnostics.error(e.description)
            throw ExitCode(Exit.badInput)
        }
    }
}

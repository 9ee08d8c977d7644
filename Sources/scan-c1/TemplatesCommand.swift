import ArgumentParser
import FormScan
import Foundation

/// `scan-c1 templates`: the known pages, and the tools for adding one.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "List the known templates; check or draw a template file.",
        discussion: """
        Adding a form: write (or draft) a template JSON beside its reference image, then `scan-c1 templates check NEW.json PAGE…` and `scan-c1 templates show NEW.json -o NEW-overlay.png` until both are clean; Templates/README.md walks through it.
        """,
        subcommands: [TemplatesListCommand.self, TemplatesDraftCommand.self, TemplatesCheckCommand.self, TemplatesShowCommand.self],
        defaultSubcommand: TemplatesListCommand.self
    )
}

struct TemplatesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the known templates (the default).")
    @Option(name: .long, help: "Folder of template JSON files (default: the shipped templates).")
    var templates: String?

    func run() throws {
        do {
            let store = try TemplateStore(directory: templates)
            for t in store.templates {
                print("\(t.id)\t\(t.template.fields.count) field\(t.template.fields.count == 1 ? "" : "s")\t\(t.rules.count) rule\(t.rules.count == 1 ? "" : "s")\t\(t.template.title)")
            }
        } catch {
            Diagnostics.error(error.description)
            throw ExitCode(Exit.setupFailed)
        }
    }
}

struct TemplatesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a template file: its boxes and rules, its reference image and pages registered on it, and whether a known page could be taken for it.",
        discussion: """
        Registers the reference image on the template itself and on every known template (and each known reference on it): a usable fit of another page means identification could confuse the two. Each PAGE given is registered as `scan -t ID` would.

        Exit codes: 0 no error, the reference and every page register, no known page is mistakable for it (warnings are printed); 1 problems found (listed); 2 a page image cannot be read; 3 the known templates cannot be loaded; 64 bad usage.
        """
    )

    @Argument(help: "The template JSON file (its reference image beside it).")
    var file: String

    @Argument(help: "Photos or scans of the page, to register on it.")
    var pages: [String] = []

    @Option(name: .long, help: "Folder of the known templates to compare with (default: the shipped templates).")
    var templates: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if !FileManager.default.fileExists(atPath: file) { throw ValidationError("\(file): no such template file") }
    }

    func run() throws {
        let store: TemplateStore
        do { store = try TemplateStore(directory: templates) } catch {
            Diagnostics.error(error.description); throw ExitCode(Exit.setupFailed)
        }
        let check: TemplateCheck
        do { check = try TemplateCheck.run(file: file, pages: pages, store: store) } catch {
            switch error {
            case .templateInvalid, .templateNotFound:
                if json { print(jsonString(["file": file, "invalid": error.description])) } else { print("INVALID  \(error.description)") }
                throw ExitCode(Exit.needsReview)
            default:
                Diagnostics.error(error.description); throw ExitCode(Exit.badInput)
            }
        }
        print(json ? jsonString(check) : Self.render(check))
        if !check.isGood { throw ExitCode(Exit.needsReview) }
    }

    static func render(_ c: TemplateCheck) -> String {
        var out = ["\(c.isGood ? "GOOD" : "PROBLEMS")  \(c.template)  (\(c.file))"]
        for p in c.problems { out.append("  \(p.severity == .error ? "error  " : "warning") \(p.message)") }
        func fit(_ f: TemplateCheck.Fit) -> String {
            "coverage \(Int((f.coverage * 100).rounded()))%, residual \(f.residual < 0 ? "-" : String(format: "%.2f", f.residual)) px\(f.quarterTurns != 0 ? ", turned \(f.quarterTurns * 90)°" : "") — \(f.usable ? "registers" : "DOES NOT REGISTER")"
        }
        if let r = c.reference { out.append("reference \(r.image) on itself: \(fit(r))") }
        for p in c.pages { out.append("page \(p.image): \(fit(p))") }
        if c.mistakable.isEmpty {
            if let n = c.nearest { out.append("no known page is mistakable for it (nearest: \(n.template), coverage \(Int((n.coverage * 100).rounded()))%)") }
        } else {
            for m in c.mistakable { out.append("MISTAKABLE: \(m.template) registers on \(m.image): \(fit(m))") }
        }
        return out.joined(separator: "\n")
    }
}

struct TemplatesDraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Draft a template from a straight scan of a blank form: ruled lines, corner marks, AprilTag, digit boxes in threes.",
        discussion: """
        The reference image is copied beside the new JSON (as NEW.png) unless it is already there. The fields get placeholder ids (field_01, field_02 …) in reading order and no rules: rename them, write their labels (the form's row code first: I.A.1 …, IV.01 …) and rules, then `scan-c1 templates check NEW.json PAGE…` and `scan-c1 templates show NEW.json -o NEW-overlay.png`.

        Exit codes: 0 written; 1 no digit boxes found (nothing written); 2 the image cannot be read; 3 the files cannot be written; 64 bad usage (-o names a folder or an existing file).
        """
    )

    @Argument(help: "A straight scan (or the PDF's page as PNG) of the blank form, 150–300 dpi.")
    var reference: String

    @Option(name: .shortAndLong, help: "The template JSON to write (its id is the file name without .json).")
    var output: String

    @Option(help: "The page's title (default: the id).")
    var title: String?

    @Flag(help: "Print what was found as JSON.")
    var json = false

    func validate() throws {
        if !FileManager.default.fileExists(atPath: reference) { throw ValidationError("\(reference): no such image") }
        guard output.lowercased().hasSuffix(".json") else { throw ValidationError("-o \(output): give a .json file name") }
        if FileManager.default.fileExists(atPath: output) { throw ValidationError("\(output) exists: a draft never replaces a file; choose another name") }
        let id = ((output as NSString).lastPathComponent as NSString).deletingPathExtension
        if id.isEmpty || !id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) {
            throw ValidationError("-o \(output): the file name is the template's id: lower case letters, digits and dashes (e.g. c-hasil-pilkada-2024-hal2.json)")
        }
    }

    func run() throws {
        let drafted: TemplateDraft
        do { drafted = try TemplateDraft.write(reference: reference, to: output, title: title) } catch {
            Diagnostics.error(error.description)
            switch error {
            case .writeFailed: throw ExitCode(Exit.setupFailed)
            case .noDigitBoxes: throw ExitCode(Exit.needsReview)
            default: throw ExitCode(Exit.badInput)
            }
        }
        let r = drafted.report
        if json { print(jsonString(r)); return }
        print("wrote \(output): \(r.numbers) numbers (3 boxes each), \(r.horizontalLines) horizontal and \(r.verticalLines) vertical lines, \(r.perspectiveLines) perspective lines, \(r.marks) corner marks\(r.aprilTag.map { ", AprilTag \($0)" } ?? "") (\(Int(r.milliseconds)) ms)")
        for l in r.looseCells.prefix(6) { print("  digit-sized cells not in threes, left out: \(l)") }
        if r.looseCells.count > 6 { print("  … and \(r.looseCells.count - 6) more such rows (--json lists them)") }
        print("next: rename the ids and labels, add the rules, then `scan-c1 templates check \(output) PAGE…` and `scan-c1 templates show \(output) -o OVERLAY.png`")
    }
}

struct TemplatesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Draw a template over its reference image: every ruled line, mark, box (with its field id) and bubble.",
        discussion: "Exit codes: 0 written; 1 the template file is not valid (the reason is printed); 3 the picture cannot be written; 64 bad usage (no such file, -o a folder or an existing file that is not a picture)."
    )

    @Argument(help: "The template JSON file (its reference image beside it).")
    var file: String

    @Option(name: .shortAndLong, help: "The picture to write: OUT.png or OUT.jpg.")
    var output: String

    func validate() throws {
        if !FileManager.default.fileExists(atPath: file) { throw ValidationError("\(file): no such template file") }
        try PictureFile.check(output)
    }

    func run() throws {
        do {
            try PictureFile.write(try TemplateOverlay.render(file: file), to: output)
        } catch {
            Diagnostics.error(error.description)
            if case .templateInvalid = error { throw ExitCode(Exit.needsReview) }
            throw ExitCode(Exit.setupFailed)
        }
        Diagnostics.note("wrote \(output)")
    }
}

/// A picture written beside its name and renamed into place; never over a folder or over a
/// file that is not a PNG or JPEG.
enum PictureFile {
    static func check(_ path: String) throws {
        let lower = path.lowercased()
        guard lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") else {
            throw ValidationError("-o \(path): give a .png or .jpg file name")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { throw ValidationError("\(path) is a folder: give a file name; a folder is never replaced") }
            let head = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 4) } ?? Data()
            let png = head.starts(with: [0x89, 0x50, 0x4E, 0x47]), jpeg = head.starts(with: [0xFF, 0xD8])
            if !head.isEmpty && !png && !jpeg { throw ValidationError("\(path) exists and is not a picture: choose another name") }
        }
    }

    static func write(_ image: RGBImage, to path: String) throws(FormScanError) {
        do {
            let file = try OutputFile(target: path, keepingExtension: true)
            do { try ImageWriter.write(image, to: file.temporary) } catch {
                file.discard()
                throw error
            }
            try file.commit()
        } catch let error as FormScanError {
            throw error
        } catch {
            throw .writeFailed(path, reason: "\(error)")
        }
    }
}

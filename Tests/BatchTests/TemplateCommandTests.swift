import Foundation
import Testing

/// `scan-c1 templates check|show` as a user runs them: exit codes, refusals, output files.
@Suite("scan-c1 templates check and show")
struct TemplateCommandTests {
    static let shipped = BatchFixtures.root.appendingPathComponent("Sources/FormScan/Templates")

    @Test func aBrokenCopyIsReportedAndAFolderIsNeverReplaced() throws {
        let dir = BatchFixtures.scratch("template-tools")
        for name in ["c-hasil-ppwp-2024-hal3.json", "c-hasil-ppwp-2024-hal3.png"] {
            try FileManager.default.copyItem(at: Self.shipped.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let file = dir.appendingPathComponent("c-hasil-ppwp-2024-hal3.json")
        // Listing still works as before (`templates` alone).
        let list = try BatchFixtures.run(["templates"])
        #expect(list.code == 0 && list.out.contains("c1-ppwp-2019-lembar2\t5 fields\t2 rules"))
        // A rule naming a field that does not exist: the file is invalid, said so, exit 1.
        var json = try String(contentsOf: file, encoding: .utf8)
        let broken = dir.appendingPathComponent("broken.json")
        json = json.replacingOccurrences(of: "\"suara_sah\"", with: "\"suara_sahh\"")
        try json.write(to: broken, atomically: true, encoding: .utf8)
        let invalid = try BatchFixtures.run(["templates", "check", broken.path])
        #expect(invalid.code == 1, "\(invalid.out)\(invalid.err)")
        #expect(invalid.out.contains("INVALID") && invalid.out.contains("suara_sah"), "\(invalid.out)")
        // show: a folder as -o is refused (64), a picture is written.
        #expect(try BatchFixtures.run(["templates", "show", file.path, "-o", dir.path]).code == 64)
        let out = dir.appendingPathComponent("hal3-overlay.png")
        let show = try BatchFixtures.run(["templates", "show", file.path, "-o", out.path])
        #expect(show.code == 0, "\(show.err)")
        let head = try Data(contentsOf: out).prefix(4)
        #expect(head == Data([0x89, 0x50, 0x4E, 0x47]))
        // A file that is not a picture is not replaced.
        let notes = dir.appendingPathComponent("catatan.png")
        try "catatan penting".write(to: notes, atomically: true, encoding: .utf8)
        #expect(try BatchFixtures.run(["templates", "show", file.path, "-o", notes.path]).code == 64)
        #expect(try String(contentsOf: notes, encoding: .utf8) == "catatan penting")
    }
}

extension TemplateCommandTests {
    @Test func aDraftIsWrittenBesideItsReferenceAndChecksItsOwnReference() throws {
        let dir = BatchFixtures.scratch("template-draft")
        let out = dir.appendingPathComponent("c-hasil-contoh-hal3.json")
        let draft = try BatchFixtures.run(["templates", "draft", Self.shipped.appendingPathComponent("c-hasil-ppwp-2024-hal3.png").path, "-o", out.path])
        #expect(draft.code == 0, "\(draft.err)")
        #expect(draft.out.contains("3 numbers"), "\(draft.out)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("c-hasil-contoh-hal3.png").path))
        // Never over an existing file; the id must be a template id.
        #expect(try BatchFixtures.run(["templates", "draft", Self.shipped.appendingPathComponent("c-hasil-ppwp-2024-hal3.png").path, "-o", out.path]).code == 64)
        #expect(try BatchFixtures.run(["templates", "draft", Self.shipped.appendingPathComponent("c-hasil-ppwp-2024-hal3.png").path, "-o", dir.appendingPathComponent("Bad Name.json").path]).code == 64)
        // The draft loads as a template (no rules yet) and can be drawn.
        let show = try BatchFixtures.run(["templates", "show", out.path, "-o", dir.appendingPathComponent("overlay.png").path])
        #expect(show.code == 0, "\(show.err)")
    }
}

import DigitReader
import Foundation
import Testing
@testable import FormScan

/// docs/result-schema.md against real output: the keys its examples show are the keys that
/// `scan --json` and `verify --json` write on the samples (the CLI encodes these same values).
@Suite("docs/result-schema.md matches the JSON")
struct SchemaDocTests {
    /// The doc's ```jsonc blocks, in order (scan, then verify).
    static let blocks: [String] = {
        let text = (try? String(contentsOf: Fixtures.root.appendingPathComponent("docs/result-schema.md"), encoding: .utf8)) ?? ""
        return text.components(separatedBy: "```jsonc").dropFirst().compactMap { $0.components(separatedBy: "```").first }
    }()

    /// Keys written by the CLI's encoder, as paths (`$.fields.*.boxes.[].symbol`).
    static func paths<T: Encodable>(_ value: T) throws -> Set<String> {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let object = try JSONSerialization.jsonObject(with: try encoder.encode(value))
        var out = Set<String>()
        func walk(_ o: Any, _ path: [String]) {
            if let d = o as? [String: Any] {
                for (k, v) in d {
                    let p = path + [k]
                    out.insert(normalized(p))
                    walk(v, p)
                }
            } else if let a = o as? [Any] {
                for v in a { walk(v, path + ["[]"]) }
            }
        }
        walk(object, ["$"])
        return out
    }

    /// A field id under `fields` (a map keyed by field id) stands for every field.
    static func normalized(_ path: [String]) -> String {
        var p = path
        for i in p.indices.dropFirst() where p[i - 1] == "fields" && (i < 2 || p[i - 2] == "$" || p[i - 2] == "[]") { p[i] = "*" }
        return p.joined(separator: ".")
    }

    /// The keys a jsonc example shows: every `"name":` outside comments, as a path.
    static func documented(_ block: String) -> Set<String> {
        let chars = Array(block)
        var out = Set<String>(), stack: [String] = [], pendingKey: String?
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "\"" {
                var s = ""
                i += 1
                while i < chars.count && chars[i] != "\"" { if chars[i] == "\\" { i += 1 }; s.append(chars[i]); i += 1 }
                i += 1
                var j = i
                while j < chars.count && chars[j].isWhitespace { j += 1 }
                if j < chars.count && chars[j] == ":" {
                    out.insert(normalized((stack.isEmpty ? ["$"] : stack) + [s]))
                    pendingKey = s
                    i = j + 1
                }
                continue
            }
            switch c {
            case "{", "[":
                stack.append(stack.isEmpty ? "$" : (pendingKey ?? "[]"))
                pendingKey = nil
            case "}", "]":
                _ = stack.popLast()
                pendingKey = nil
            case ",": pendingKey = nil
            default: break
            }
            i += 1
        }
        return out
    }

    /// Scanned once: a 2019 page with a corrected field, and a 2024 station (bubbles, AprilTag,
    /// rules across pages).
    static let pages: [PageResult] = {
        guard let scanner = try? Fixtures.scanner() else { return [] }
        let kawal = Fixtures.samples.appendingPathComponent("kawalc1")
        var station = ["pilpres-2024-hal2.jpg", "pilpres-2024-hal3.jpg"].compactMap { try? scanner.scan(path: kawal.appendingPathComponent($0).path) }
        StationChecker.apply(to: &station, store: Fixtures.store)
        return [try? scanner.scan(path: Fixtures.kpu("kubu-02-lembar1.jpg"))].compactMap { $0 } + station
    }()

    @Test func scanJSONHasExactlyTheDocumentedKeys() throws {
        try #require(Self.blocks.count >= 2, "the doc's jsonc examples")
        try #require(Self.pages.count == 3)
        let doc = Self.documented(Self.blocks[0])
        var real = Set<String>()
        for p in Self.pages { real.formUnion(try Self.paths(p)) }
        #expect(real.subtracting(doc).isEmpty, "written but not documented: \(real.subtracting(doc).sorted())")
        // Keys the samples do not happen to produce: a number set aside as the misread one; the
        // number words name (these pages' words lines are blank: Lembar 1 has none, the 2024
        // photos were filled digitally, digits only).
        let rare: Set<String> = ["$.fields.*.setAside", "$.fields.*.words.value"]
        let unseen = doc.subtracting(real).subtracting(rare)
        #expect(unseen.isEmpty, "documented but never written on the samples: \(unseen.sorted())")
    }

    @Test func verifyJSONHasTheDocumentedKeys() throws {
        try #require(Self.blocks.count >= 2)
        try #require(Self.pages.count == 3)
        // The 2019 page: it has trusted numbers (a recap difference then shows what was read).
        // Every number of the 2024 station goes to a person since issue 21 (more than 300 votes,
        // beyond the form's soft bound), so a difference there has no `read`.
        let v = try StationVerifier(store: Fixtures.store).verify(
            Array(Self.pages.prefix(1)), corrections: [Correction(field: "pemilih_dpt_l", value: 100)],
            expectation: Expectation(values: ["pemilih_dpt_p": 1, "pemilih_dpk_j": 4]))
        let doc = Self.documented(Self.blocks[1])
        let real = try Self.paths(v).filter { !$0.hasPrefix("$.pages.[].") }
        #expect(real == doc, "written only: \(real.subtracting(doc).sorted()); documented only: \(doc.subtracting(real).sorted())")
    }

    @Test func absentIsNeverNull() throws {
        // The doc promises keys are left out rather than written as null.
        for p in Self.pages {
            let text = String(decoding: try JSONEncoder().encode(p), as: UTF8.self)
            #expect(!text.contains(":null"), "\(p.file)")
        }
    }
}

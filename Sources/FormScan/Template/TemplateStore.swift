import Foundation

/// A template with its rules parsed and checked.
public struct LoadedTemplate: Sendable {
    public var template: Template
    public var rules: [Rule]
    public var stationRules: [Rule] = []
    /// Folder holding the JSON and the reference image.
    public var directory: String
    public var id: String { template.id }
    public var referenceImagePath: String { (directory as NSString).appendingPathComponent(template.referenceImage) }
}

/// The set of known templates: the ones shipped with the tool, or a folder of the user's.
public struct TemplateStore: Sendable {
    public var templates: [LoadedTemplate]

    /// The folder of templates shipped inside the tool.
    public static var bundledDirectory: String {
        Bundle.module.resourceURL!.appendingPathComponent("Templates").path
    }

    /// Loads every `*.json` in `directory` (default: the shipped templates), validating each.
    public init(directory: String? = nil) throws(FormScanError) {
        let dir = directory ?? Self.bundledDirectory
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            throw .templateInvalid(file: dir, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        var out: [LoadedTemplate] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            out.append(try Self.load(file: (dir as NSString).appendingPathComponent(name)))
        }
        if out.isEmpty { throw .templateInvalid(file: dir, reason: "no *.json template in the folder") }
        // Station rules may name other templates' fields: check them against the whole set.
        for t in out {
            for rule in t.stationRules {
                for id in rule.fieldIDs {
                    if let dot = id.lastIndex(of: ".") {
                        let other = String(id[..<dot]), field = String(id[id.index(after: dot)...])
                        guard let o = out.first(where: { $0.id == other }) else {
                            throw .templateInvalid(file: t.id, reason: "station rule '\(rule.text)' names unknown template '\(other)'")
                        }
                        guard o.template.field(field) != nil else {
                            throw .templateInvalid(file: t.id, reason: "station rule '\(rule.text)' names unknown field '\(field)' of \(other)")
                        }
                    } else if t.template.field(id) == nil {
                        throw .templateInvalid(file: t.id, reason: "station rule '\(rule.text)' names unknown field '\(id)'")
                    }
                }
            }
        }
        templates = out
    }

    public var ids: [String] { templates.map(\.id) }

    public func template(_ id: String) throws(FormScanError) -> LoadedTemplate {
        guard let t = templates.first(where: { $0.id == id }) else { throw .templateNotFound(id, known: ids) }
        return t
    }

    /// Reads one template file and checks it: boxes well formed, rules parse, rules name known fields.
    public static func load(file: String) throws(FormScanError) -> LoadedTemplate {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .templateInvalid(file: file, reason: "cannot read the file")
        }
        let t: Template
        do { t = try JSONDecoder().decode(Template.self, from: data) } catch {
            throw .templateInvalid(file: file, reason: "not valid template JSON: \(error)")
        }
        var seen = Set<String>()
        for f in t.fields {
            if !seen.insert(f.id).inserted { throw .templateInvalid(file: file, reason: "field '\(f.id)' appears twice") }
            if f.boxes.isEmpty || f.boxes.contains(where: { $0.count != 4 || $0[2] <= 0 || $0[3] <= 0 }) {
                throw .templateInvalid(file: file, reason: "field '\(f.id)' needs boxes as [x, y, w, h] with positive size")
            }
        }
        if let filler = t.filler, !["X", "-"].contains(filler) {
            throw .templateInvalid(file: file, reason: "filler must be \"X\" or \"-\", not \"\(filler)\"")
        }
        if [t.lines, t.perspectiveLines].compactMap({ $0 }).contains(where: { l in
            l.horizontal.contains(where: { $0.count != 3 }) || l.vertical.contains(where: { $0.count != 3 }) }) {
            throw .templateInvalid(file: file, reason: "lines must be [position, from, to]")
        }
        var rules: [Rule] = []
        for spec in t.rules {
            let rule: Rule
            do { rule = try RuleParser.parse(spec.rule, label: spec.label, soft: spec.soft ?? false) } catch {
                throw .templateInvalid(file: file, reason: error.description)
            }
            for f in rule.fieldIDs where !seen.contains(f) {
                throw .templateInvalid(file: file, reason: "rule '\(spec.rule)' names unknown field '\(f)'")
            }
            rules.append(rule)
        }
        var stationRules: [Rule] = []
        for spec in t.stationRules ?? [] {
            do { stationRules.append(try RuleParser.parse(spec.rule, label: spec.label, soft: spec.soft ?? false)) } catch {
                throw .templateInvalid(file: file, reason: error.description)
            }
        }
        return LoadedTemplate(template: t, rules: rules, stationRules: stationRules,
                              directory: (file as NSString).deletingLastPathComponent)
    }
}

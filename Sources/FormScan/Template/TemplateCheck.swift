import Foundation

/// What `scan-c1 templates check` finds in a template file: mistakes in the file itself, how
/// its reference image and the given pages register onto it, and which known pages could be
/// taken for it (or it for them).
public struct TemplateCheck: Sendable, Codable {
    public struct Problem: Sendable, Codable, Equatable {
        public enum Severity: String, Sendable, Codable { case error, warning }
        public var severity: Severity
        public var message: String
    }

    /// How one image registered onto a template.
    public struct Fit: Sendable, Codable {
        public var image: String
        public var template: String
        public var coverage: Double
        public var residual: Double
        public var usable: Bool
        public var quarterTurns: Int

        init(image: String, template: String, _ r: Registration) {
            self.image = image; self.template = template
            coverage = (r.coverage * 1000).rounded() / 1000
            residual = r.residual.isFinite ? (r.residual * 100).rounded() / 100 : -1
            usable = r.isUsable; quarterTurns = r.quarterTurns
        }
    }

    public var template: String
    public var file: String
    public var problems: [Problem]
    /// The reference image registered on the template itself (a template whose own image does
    /// not register is wrong, whatever it reads).
    public var reference: Fit?
    /// Each page given, registered on the template (as `scan -t ID` would).
    public var pages: [Fit]
    /// Known templates whose fit on this reference, or this template's fit on whose reference,
    /// is usable: identification could take one page for the other.
    public var mistakable: [Fit]
    /// The best fit of another known template on this reference (how far the nearest page is).
    public var nearest: Fit?

    public var errors: [Problem] { problems.filter { $0.severity == .error } }
    /// Nothing wrong: no error in the file, the reference and every page register, no other
    /// page can be taken for it.
    public var isGood: Bool {
        errors.isEmpty && (reference?.usable ?? false) && pages.allSatisfy(\.usable) && mistakable.isEmpty
    }

    /// Checks the file at `file` (its rules and boxes), then registers its reference image on
    /// it, each of `pages`, and compares it with every template of `store` but one of the same id.
    public static func run(file: String, pages: [String], store: TemplateStore, loader: ImageLoader = ImageLoader()) throws(FormScanError) -> TemplateCheck {
        let loaded = try TemplateStore.load(file: file)
        var problems = validate(loaded, store: store)
        let others = store.templates.filter { $0.id != loaded.id }
        var reference: Fit?
        var mistakable: [Fit] = [], nearest: Fit?
        do {
            let image = try loader.load(loaded.referenceImagePath).image
            if abs(Double(image.width) - loaded.template.width) > 1 || abs(Double(image.height) - loaded.template.height) > 1 {
                problems.append(.init(severity: .error, message: "the reference image is \(image.width)×\(image.height) px but the template says \(Int(loaded.template.width))×\(Int(loaded.template.height)): every coordinate is in the reference image's pixels"))
            }
            reference = Fit(image: loaded.template.referenceImage, template: loaded.id, Registrar(template: loaded.template).register(image).0)
            for o in others {
                let fit = Fit(image: loaded.template.referenceImage, template: o.id, Registrar(template: o.template).register(image).0)
                if nearest == nil || fit.coverage > nearest!.coverage { nearest = fit }
                if fit.usable { mistakable.append(fit) }
                // And the other way round: this template laid on the other page's reference.
                if let theirs = try? loader.load(o.referenceImagePath).image {
                    let back = Fit(image: o.template.referenceImage, template: loaded.id, Registrar(template: loaded.template).register(theirs).0)
                    if back.usable { mistakable.append(back) }
                }
            }
        } catch {
            problems.append(.init(severity: .error, message: "the reference image \(loaded.template.referenceImage) cannot be read beside the template (\(error.description))"))
        }
        var fits: [Fit] = []
        for p in pages {
            let image = try loader.load(p).image
            fits.append(Fit(image: p, template: loaded.id, Registrar(template: loaded.template).register(image).0))
        }
        return TemplateCheck(template: loaded.id, file: file, problems: problems, reference: reference, pages: fits,
                             mistakable: mistakable, nearest: nearest)
    }

    /// Mistakes in the template itself (the loader has already refused what cannot be read:
    /// bad JSON, rules that do not parse or name unknown fields, malformed boxes).
    public static func validate(_ loaded: LoadedTemplate, store: TemplateStore) -> [Problem] {
        let t = loaded.template
        var out: [Problem] = []
        func error(_ m: String) { out.append(.init(severity: .error, message: m)) }
        func warning(_ m: String) { out.append(.init(severity: .warning, message: m)) }
        let page = Rect(x: 0, y: 0, width: t.width, height: t.height)
        func inside(_ r: Rect) -> Bool { r.x >= 0 && r.y >= 0 && r.x + r.width <= page.width + 0.5 && r.y + r.height <= page.height + 0.5 }
        if !t.id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) {
            error("the id '\(t.id)' must be lower case letters, digits and dashes (it names the page in results and in station rules)")
        }
        var boxes: [(field: String, index: Int, rect: Rect)] = []
        for f in t.fields {
            if f.boxes.count != 3 { error("\(f.id): \(f.boxes.count) boxes; a number has three (hundreds, tens, units)") }
            let rects = f.boxes.map(Rect.init)
            for (i, r) in rects.enumerated() {
                if !inside(r) { error("\(f.id): box \(i + 1) \(describe(r)) lies outside the page (\(Int(t.width))×\(Int(t.height)))") }
                boxes.append((f.id, i, r))
            }
            for (a, b) in zip(rects, rects.dropFirst()) where b.x < a.x + a.width * 0.5 || abs(b.midY - a.midY) > a.height * 0.25 {
                warning("\(f.id): its boxes are not side by side left to right (\(describe(a)), then \(describe(b))): hundreds first")
                break
            }
            if let bubbles = f.bubbles {
                if bubbles.count != f.boxes.count { error("\(f.id): bubbles for \(bubbles.count) boxes, the field has \(f.boxes.count)") }
                for (i, column) in bubbles.enumerated() where column.count != 10 || column.contains(where: { $0.count != 2 }) {
                    error("\(f.id): box \(i + 1) needs ten bubble centres [x, y], 0 to 9 (it has \(column.count))")
                }
            }
            if f.formCode == nil { warning("\(f.id): its label does not start with the form's row code (I.A.1, IV.01 …): reports and exports show the code") }
            if !f.id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) {
                error("\(f.id): field ids are lower case letters, digits and underscores")
            }
        }
        // Two boxes sharing more than a sliver: one of them is drawn on the wrong cell.
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let (a, b) = (boxes[i].rect, boxes[j].rect)
                let w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x), h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
                guard w > 0, h > 0, w * h > 0.1 * min(a.width * a.height, b.width * b.height) else { continue }
                error("boxes overlap: \(boxes[i].field) box \(boxes[i].index + 1) and \(boxes[j].field) box \(boxes[j].index + 1)")
            }
        }
        for (i, m) in t.marks.enumerated() where m.count != 4 || !inside(Rect(m)) {
            error("mark \(i + 1) must be [x, y, w, h] inside the page")
        }
        for (kind, lines) in [("lines", t.lines), ("perspectiveLines", t.perspectiveLines)] {
            guard let lines else { continue }
            for l in lines.horizontal where l[0] < 0 || l[0] > t.height || l[1] < -1 || l[2] > t.width + 1 || l[1] >= l[2] {
                error("\(kind): horizontal line \(l.map { Int($0) }) lies outside the page or runs backwards")
            }
            for l in lines.vertical where l[0] < 0 || l[0] > t.width || l[1] < -1 || l[2] > t.height + 1 || l[1] >= l[2] {
                error("\(kind): vertical line \(l.map { Int($0) }) lies outside the page or runs backwards")
            }
        }
        if t.lines.horizontal.count < 2 || t.lines.vertical.count < 2 {
            error("at least two horizontal and two vertical ruled lines are needed to register a photo")
        }
        let inRules = Set(loaded.rules.flatMap(\.fieldIDs) + loaded.stationRules.flatMap(\.fieldIDs))
        for f in t.fields where !inRules.contains(f.id) {
            warning("\(f.id): in no rule: nothing but the two readers checks it")
        }
        // Station rules name other pages' fields as TEMPLATE.field.
        for rule in loaded.stationRules {
            for id in rule.fieldIDs {
                if let dot = id.lastIndex(of: ".") {
                    let other = String(id[..<dot]), field = String(id[id.index(after: dot)...])
                    guard let o = store.templates.first(where: { $0.id == other }) ?? (other == t.id ? loaded : nil) else {
                        error("station rule \(rule.label): no known template '\(other)'"); continue
                    }
                    if o.template.field(field) == nil { error("station rule \(rule.label): \(other) has no field '\(field)'") }
                } else if t.field(id) == nil {
                    error("station rule \(rule.label): no field '\(id)'")
                }
            }
        }
        if let tag = t.aprilTag, let other = store.templates.first(where: { $0.id != t.id && $0.template.aprilTag == tag }) {
            error("AprilTag \(tag) is also \(other.id)'s: a page's tag must name one template")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let mine = try? encoder.encode(t)
        if store.templates.contains(where: { $0.id == t.id && (try? encoder.encode($0.template)) != mine }) {
            warning("a known template, different from this one, has the id \(t.id) too: give the new page an id of its own")
        }
        return out
    }

    static func describe(_ r: Rect) -> String { "[\(Int(r.x)), \(Int(r.y)), \(Int(r.width)), \(Int(r.height))]" }
}

import Batch
import DigitReader
import FormScan
import Foundation

/// What the last answer did, shown at once (JSON to the page's script) and on the next screen.
struct AnswerOutcome: Sendable, Codable {
    struct Line: Sendable, Codable { var text: String; var outcome: String }
    var answerID: Int64?
    /// Double entry: the first entry this session may withdraw.
    var entryID: Int64?
    /// Double entry: what the answer was (first entry, agreement, …); nil without.
    var step: String?
    var message: String
    var rules: [Line]
    /// pass (the page adds up), fail, unknown.
    var verdict: String
    var verdictText: String
    var next: String
}

enum FieldPage {
    static func ruleHTML(_ lines: [AnswerOutcome.Line], id: String) -> String {
        "<ul class=\"rules\" id=\"\(id)\">" + lines.map { "<li class=\"rule \($0.outcome)\">\(HTML.esc($0.text))</li>" }.joined() + "</ul>"
    }

    static func ruleLines(_ screen: FieldScreen, text: ReviewText) -> [AnswerOutcome.Line] {
        screen.rules.map { r in
            let head = "\(r.label)\(r.soft ? " (\(text.t("peringatan", "warning")))" : ""): "
            return .init(text: head + text.difference(r) + " — " + text.ruleOutcome(r.outcome), outcome: r.outcome.rawValue)
        }
    }

    static func verdict(_ screen: FieldScreen, text: ReviewText) -> (String, String) {
        if screen.pageAddsUp && screen.pageRulesKnown { return ("pass", text.pageAddsUp) }
        if screen.pageAddsUp { return ("unknown", text.pageUnknown) }
        return ("fail", text.pageDoesNot)
    }

    static func banner(_ o: AnswerOutcome?, csrf: String, text: ReviewText) -> String {
        guard let o else { return "" }
        var s = "<section class=\"banner \(o.verdict)\" id=\"last\"><p><strong>\(HTML.esc(text.yourAnswer)):</strong> \(HTML.esc(o.message))</p>"
        s += "<p class=\"verdict \(o.verdict)\">\(HTML.esc(o.verdictText))</p>" + ruleHTML(o.rules, id: "last-rules")
        if let (name, id) = o.answerID.map({ ("answer", $0) }) ?? o.entryID.map({ ("entry", $0) }) {
            s += "<form method=\"post\" action=\"/undo\" id=\"undo-form\"><input type=\"hidden\" name=\"csrf\" value=\"\(HTML.esc(csrf))\">"
            s += "<input type=\"hidden\" name=\"\(name)\" value=\"\(id)\"><button type=\"submit\" class=\"secondary\">\(HTML.esc(text.undo)) (Ctrl+Z)</button></form>"
        }
        return s + "</section>"
    }

    static func fieldURL(_ key: String, _ ref: FieldRef) -> String {
        "/field?" + HTML.query([("key", key), ("image", String(ref.imageID)), ("field", ref.field)])
    }

    static func render(_ screen: FieldScreen, text: ReviewText, csrf: String, banner: String, skip: String?, entered: Bool = false) -> String {
        let ref = FieldRef(imageID: screen.page.imageID, field: screen.field.id)
        let t = screen.template.template
        let rects = screen.templateField.boxes.filter { $0.count == 4 }.map { Rect(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
        let minX = rects.map(\.x).min() ?? 0, maxX = rects.map { $0.x + $0.width }.max() ?? t.width
        let minY = rects.map(\.y).min() ?? 0, maxY = rects.map { $0.y + $0.height }.max() ?? t.height
        // Views of the page the zoom key cycles through: a band across the page around the
        // field (its row's printed label is on the left), the boxes close up, the whole page.
        let bandH = min(t.height, t.width * 0.45)
        let bandY = max(0, min(t.height - bandH, (minY + maxY) / 2 - bandH / 2))
        let cw = (maxX - minX) * 2.2, ch = cw * 0.6
        let close = (max(0, (minX + maxX) / 2 - cw / 2), max(0, (minY + maxY) / 2 - ch / 2), cw, ch)
        func vb(_ v: (Double, Double, Double, Double)) -> String { String(format: "%.0f %.0f %.0f %.0f", v.0, v.1, v.2, v.3) }
        let views = [vb((0, bandY, t.width, bandH)), vb(close), vb((0, 0, t.width, t.height))]
        let pageURL = "/image/page?" + HTML.query([("image", String(ref.imageID))])
        let position = screen.open.firstIndex(of: ref).map { $0 + 1 }
        var s = banner
        s += "<div class=\"screen\"><section class=\"pageview\">"
        s += "<svg id=\"page\" viewBox=\"\(views[0])\" data-views=\"\(views.joined(separator: "|"))\" role=\"img\" aria-label=\"\(HTML.esc(screen.page.path))\">"
        s += "<image href=\"\(HTML.esc(pageURL))\" x=\"0\" y=\"0\" width=\"\(Int(t.width))\" height=\"\(Int(t.height))\"/>"
        for r in rects {
            s += String(format: "<rect class=\"box\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", r.x - 3, r.y - 3, r.width + 6, r.height + 6)
        }
        s += "</svg><p class=\"hint\"><button type=\"button\" id=\"zoom\" class=\"secondary\">\(HTML.esc(text.zoom)) (+)</button> \(HTML.esc(screen.page.path)) · \(HTML.esc(screen.page.template))</p></section>"
        s += "<section class=\"panel\">"
        s += "<p class=\"where\">\(HTML.esc(screen.station.key))"
        if let position { s += " · " + HTML.esc(text.fieldOf(position, screen.open.count)) }
        s += "</p><h1 id=\"label\">\(HTML.esc(screen.field.label))</h1>"
        let reading = screen.field.value.map(String.init) ?? text.nothingRead
        s += "<p class=\"reading\">\(HTML.esc(text.machineRead)): <strong id=\"reading\">\(HTML.esc(reading))</strong> <span class=\"badge \(screen.field.status.rawValue)\">\(HTML.esc(text.status(screen.field.status)))</span></p>"
        // The recap's value beside the reading, and whether they agree.
        if let recap = screen.recap {
            let agrees = screen.recapAgrees
            let cls = agrees == true ? "pass" : agrees == false ? "fail" : "unknown"
            s += "<p class=\"recap \(cls)\" id=\"recap\">\(HTML.esc(text.recapValue)): <strong id=\"recap-value\">\(recap)</strong> — "
            s += "\(HTML.esc(agrees == true ? text.recapAgrees : agrees == false ? text.recapDiffers(screen.field.value ?? 0) : text.recapNothingRead))</p>"
        }
        // Double entry: which entry this is; at a third look both earlier entries, with who gave them.
        if let stage = screen.stage {
            s += "<p class=\"stage \(stage == .thirdLook ? "fail" : "unknown")\" id=\"stage\" data-stage=\"\(text.stageCode(stage))\">\(HTML.esc(text.stage(stage)))</p>"
            if stage == .thirdLook && !entered {
                s += "<ul class=\"entries\" id=\"entries\">" + screen.disputed.map { e in
                    "<li>\(HTML.esc(e.person)): <strong>\(HTML.esc(e.value.map(String.init) ?? "X"))</strong> (\(HTML.esc(text.answerKind(e.kind))))</li>"
                }.joined() + "</ul>"
            }
        }
        if entered { s += "<p class=\"error\" id=\"entered\" role=\"alert\">\(HTML.esc(text.error(.samePerson)))</p>" }
        // The three boxes, enlarged, each with its candidates and the two readers' votes.
        s += "<div class=\"boxes\">"
        let names = [text.hundreds, text.tens, text.units]
        for (i, _) in rects.enumerated() {
            let b = screen.field.boxes.first { $0.position == i }
            let url = "/image/box?" + HTML.query([("image", String(ref.imageID)), ("field", ref.field), ("box", String(i))])
            s += "<figure><img src=\"\(HTML.esc(url))\" alt=\"\(HTML.esc(names.indices.contains(i) ? names[i] : "\(i + 1)"))\"><figcaption>"
            s += "<span class=\"boxname\">\(HTML.esc(rects.count == 3 ? names[i] : "\(text.boxes) \(i + 1)"))</span>"
            if let b {
                let cands = b.candidates.prefix(3).map { "\(symbol($0.symbol)) \(Int(($0.probability * 100).rounded()))%" }
                s += "<span class=\"cands\">\(HTML.esc(cands.isEmpty ? "—" : cands.joined(separator: " · ")))</span>"
                let votes = b.readers.map { "\(text.reader($0.source)): \($0.symbol.map(symbol) ?? "?")" }
                if !votes.isEmpty { s += "<span class=\"votes\">\(HTML.esc(votes.joined(separator: ", ")))</span>" }
            }
            s += "</figcaption></figure>"
        }
        s += "</div>"
        // The number written in words beside the boxes, where the form has a words line, with
        // what the words reader made of it.
        if let line = screen.templateField.words, line.count == 4 {
            let url = "/image/words?" + HTML.query([("image", String(ref.imageID)), ("field", ref.field)])
            s += "<figure class=\"words\" id=\"words\"><img src=\"\(HTML.esc(url))\" alt=\"\(HTML.esc(text.wordsLine))\"><figcaption>"
            if let w = screen.field.words {
                let said = w.value.map { "\(text.wordsSay) \($0)" + (w.probability < 1 ? " (\(Int((w.probability * 100).rounded()))%)" : "") } ?? text.wordsNoNumber
                s += "\(HTML.esc(text.wordsLine)): «\(HTML.esc(w.text))» — \(HTML.esc(said))"
            } else {
                s += HTML.esc(text.wordsLine)
            }
            s += "</figcaption></figure>"
        }
        let reasons = screen.field.reasons
        if !reasons.isEmpty {
            s += "<details class=\"why\"><summary>\(HTML.esc(text.why))</summary><ul>" + reasons.map { "<li>\(HTML.esc($0))</li>" }.joined() + "</ul></details>"
        }
        s += "<h2>\(HTML.esc(text.rulesHeading))</h2>" + ruleHTML(ruleLines(screen, text: text), id: "rules")
        let (vc, vt) = verdict(screen, text: text)
        s += "<p class=\"verdict \(vc)\" id=\"verdict\">\(HTML.esc(vt))</p>"
        if let a = screen.answer, !(entered && screen.stage != nil) {
            s += "<p class=\"answered\">\(HTML.esc(text.yourAnswer)): \(HTML.esc(a.value.map(String.init) ?? "X")) (\(HTML.esc(text.answerKind(a.kind)))) \(HTML.esc(text.by)) \(HTML.esc(a.person))</p>"
        }
        s += "<form method=\"post\" action=\"/answer\" id=\"answer\" autocomplete=\"off\">"
        s += "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.esc(csrf))\"><input type=\"hidden\" name=\"image\" value=\"\(ref.imageID)\">"
        s += "<input type=\"hidden\" name=\"field\" value=\"\(HTML.esc(ref.field))\"><input type=\"hidden\" name=\"key\" value=\"\(HTML.esc(screen.station.key))\">"
        s += "<label class=\"big\">\(HTML.esc(text.inputLabel)) <input id=\"value\" name=\"value\" maxlength=\"3\" inputmode=\"numeric\" pattern=\"[0-9]{1,3}|[xX]\" placeholder=\"\(HTML.esc(screen.field.value.map(String.init) ?? ""))\" autofocus></label>"
        s += "<button type=\"submit\">\(HTML.esc(text.save)) (Enter)</button>"
        s += "<p class=\"help\">\(HTML.esc(text.inputHelp))</p>"
        s += "<label class=\"small\">\(HTML.esc(text.reason)) <input name=\"reason\" maxlength=\"200\"></label>"
        s += "<p class=\"error\" id=\"error\" role=\"alert\" hidden></p></form>"
        s += "<p class=\"nav\">"
        if let skip { s += "<a id=\"skip\" href=\"\(HTML.esc(skip))\">\(HTML.esc(text.skip)) (PageDown)</a> · " }
        s += "<a id=\"queue\" href=\"/\">\(HTML.esc(text.backToQueue)) (Esc)</a></p><p class=\"help keys\">\(HTML.esc(text.keysHelp))</p>"
        s += "</section></div>"
        return s
    }

    static func symbol(_ s: BoxSymbol) -> String { s == .blank ? "∅" : s.description }
}

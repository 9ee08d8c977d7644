import FormScan
import Foundation

/// The queue: stations needing a look, worst first, with counts, filters and progress.
struct QueueFilter: Sendable {
    var status = "open"          // open | done | all | third (double entry: a field waits for a third look)
    var template = ""
    var rule = ""
    var folder = ""

    func matches(_ s: ReviewModel.StationState) -> Bool {
        switch status {
        case "open": if s.done { return false }
        case "done": if !s.done { return false }
        case "third": if s.thirdLooks == 0 { return false }
        default: break
        }
        if !template.isEmpty && !s.templates.contains(template) { return false }
        if !rule.isEmpty && !s.failedRuleLabels.contains(rule) { return false }
        if !folder.isEmpty && s.folder != folder { return false }
        return true
    }
}

enum QueuePage {
    /// `person`: Enter opens the first station shown with a field this person can answer (under
    /// double entry not one waiting only for other people's entries), else the first shown.
    static func render(_ all: [ReviewModel.StationState], filter: QueueFilter, text: ReviewText, doubleEntry: Bool = false,
                       person: String = "") -> String {
        let shown = all.filter(filter.matches)
        let templates = Set(all.flatMap(\.templates)).sorted()
        let rules = Set(all.flatMap(\.failedRuleLabels)).sorted()
        let folders = Set(all.map(\.folder)).sorted()
        func select(_ name: String, _ label: String, _ options: [(String, String)], _ chosen: String) -> String {
            "<label>\(HTML.esc(label)) <select name=\"\(name)\">" + options.map { v, l in
                "<option value=\"\(HTML.esc(v))\"\(v == chosen ? " selected" : "")>\(HTML.esc(l))</option>"
            }.joined() + "</select></label>"
        }
        var body = "<h1>\(HTML.esc(text.queue))</h1>"
        let openFields = all.map(\.open.count).reduce(0, +)
        body += "<p class=\"summary\"><strong>\(HTML.esc(text.progress(done: all.filter(\.done).count, total: all.count)))</strong> · \(HTML.esc(text.fieldsOpen(openFields)))"
        if doubleEntry {
            let (second, third) = (all.map(\.secondEntries).reduce(0, +), all.map(\.thirdLooks).reduce(0, +))
            body += " · <span id=\"double-entry\">\(HTML.esc(text.doubleEntrySummary(second: second, third: third)))</span>"
        }
        body += "</p><form class=\"filters\" method=\"get\" action=\"/\">"
        var statuses = [("open", text.open), ("done", text.doneWord), ("all", text.all)]
        if doubleEntry { statuses.insert(("third", text.thirdLookWord), at: 1) }
        body += select("status", text.statusWord, statuses, filter.status)
        body += select("template", text.template, [("", text.all)] + templates.map { ($0, $0) }, filter.template)
        body += select("rule", text.rule, [("", text.all)] + rules.map { ($0, $0) }, filter.rule)
        if folders.count > 1 { body += select("folder", text.folder, [("", text.all)] + folders.map { ($0, $0) }, filter.folder) }
        body += "<button type=\"submit\">\(HTML.esc(text.filter))</button></form>"
        if shown.isEmpty {
            body += "<p class=\"empty\">\(HTML.esc(text.nothing))</p>"
        } else {
            body += "<table class=\"queue\"><thead><tr><th>\(HTML.esc(text.station))</th><th>\(HTML.esc(text.statusWord))</th><th>\(HTML.esc(text.toLook))</th><th>\(HTML.esc(text.answered))</th>\(doubleEntry ? "<th>\(HTML.esc(text.secondEntryWord))</th><th>\(HTML.esc(text.thirdLookWord))</th>" : "")<th>\(HTML.esc(text.failedRules))</th><th>\(HTML.esc(text.pages))</th><th></th></tr></thead><tbody>"
            let first = shown.firstIndex { !$0.open(for: person).isEmpty } ?? 0
            for (i, s) in shown.enumerated() {
                let status = s.done ? text.doneWord : text.status(s.current.status)
                let cls = s.done ? "done" : s.current.status.rawValue
                let link = "/station?" + HTML.query([("key", s.key)])
                var notes: [String] = []
                if !s.missingPages.isEmpty { notes.append("\(text.missingPages): \(s.missingPages.joined(separator: ", "))") }
                if s.unreadable > 0 { notes.append(text.unreadable(s.unreadable)) }
                body += "<tr class=\"\(cls)\"><td><a href=\"\(HTML.esc(link))\"\(i == first ? " id=\"first\"" : "")>\(HTML.esc(s.key))</a>"
                body += notes.map { "<div class=\"note\">\(HTML.esc($0))</div>" }.joined()
                body += "</td><td><span class=\"badge \(cls)\">\(HTML.esc(status))</span></td><td class=\"num\">\(s.open.count)</td><td class=\"num\">\(s.answers.count)</td>"
                if doubleEntry {
                    body += "<td class=\"num second\">\(s.secondEntries)</td><td class=\"num third\(s.thirdLooks > 0 ? " fail" : "")\">\(s.thirdLooks)</td>"
                }
                body += "<td class=\"rules\">\(s.failedRuleLabels.map { HTML.esc($0) }.joined(separator: "<br>"))</td>"
                body += "<td>\(s.templates.map { HTML.esc($0) }.joined(separator: "<br>"))</td>"
                body += "<td><a class=\"button\" href=\"\(HTML.esc(link))\">\(HTML.esc(text.start))</a></td></tr>"
            }
            body += "</tbody></table>"
        }
        return body
    }
}

import FormScan
import Foundation

/// HTML building: every text from the database or a request goes through `esc`.
enum HTML {
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A query string from pairs, percent-encoded.
    static func query(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { k, v in "\(k)=\(v.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    static func statusClass(_ s: FieldStatus) -> String { s.rawValue }

    /// The frame of every page: header with the title, progress and the language switch.
    static func document(title: String, text: ReviewText, progress: String?, person: String, body: String, langSwitch: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(text.lang.rawValue)">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title><link rel="stylesheet" href="/assets/review.css"><script src="/assets/review.js" defer></script></head>
        <body>
        <header><a class="brand" href="/">\(esc(text.title))</a>\(progress.map { "<span class=\"progress\" id=\"progress\">\(esc($0))</span>" } ?? "")
        <span class="spacer"></span>\(person.isEmpty ? "" : "<span class=\"person\">\(esc(person))</span>")
        <a class="lang" href="\(esc(langSwitch))">\(esc(text.otherLanguage.label))</a></header>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
    }
}

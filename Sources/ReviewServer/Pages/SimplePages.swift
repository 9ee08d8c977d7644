import Foundation

/// The name page (asked once per session) and the error page.
enum SimplePages {
    static func name(csrf: String, next: String, text: ReviewText, message: String? = nil) -> String {
        """
        <section class="card narrow"><h1>\(HTML.esc(text.nameHeading))</h1><p>\(HTML.esc(text.nameHelp))</p>
        \(message.map { "<p class=\"error\" role=\"alert\">\(HTML.esc($0))</p>" } ?? "")
        <form method="post" action="/name"><input type="hidden" name="csrf" value="\(HTML.esc(csrf))">
        <input type="hidden" name="next" value="\(HTML.esc(next))">
        <label>\(HTML.esc(text.nameLabel)) <input id="name" name="name" maxlength="60" required autofocus autocomplete="name"></label>
        <button type="submit">\(HTML.esc(text.nameButton))</button></form></section>
        """
    }

    static func error(status: Int, message: String, text: ReviewText) -> String {
        """
        <section class="card narrow error-page"><h1>\(HTML.esc(text.errorHeading)) (\(status))</h1>
        <p class="error" role="alert">\(HTML.esc(message))</p>
        <p><a class="button" href="/">\(HTML.esc(text.backToQueue))</a></p></section>
        """
    }

    /// `waiting`: fields still open that this person cannot answer (double entry: the second
    /// entry or the third look is someone else's); 0 when the station is done.
    static func stationDone(key: String, next: String?, text: ReviewText, banner: String, waiting: Int = 0) -> String {
        var s = banner + "<section class=\"card narrow\"><h1>\(HTML.esc(key))</h1>"
        if waiting > 0 {
            s += "<p class=\"verdict unknown\" id=\"station-waiting\">\(HTML.esc(text.stationWaiting(waiting)))</p>"
        } else {
            s += "<p class=\"verdict pass\" id=\"station-done\">\(HTML.esc(text.stationDone))</p>"
        }
        if let next {
            s += "<p><a class=\"button\" id=\"next-station\" href=\"\(HTML.esc(next))\">\(HTML.esc(text.nextStation)) →</a> "
        } else {
            s += "<p>\(HTML.esc(text.allDone)) "
        }
        s += "<a class=\"button secondary\" href=\"/\">\(HTML.esc(text.backToQueue))</a></p></section>"
        return s
    }
}

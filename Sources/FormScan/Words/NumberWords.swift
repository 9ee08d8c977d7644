/// Indonesian number words, 0 to 999, the way officers write a count on the form's words line
/// ("(ditulis dengan huruf)"): `seratus tujuh puluh tujuh`, `dua belas`, `nol`.
///
/// Spelling: `satu` … `sembilan`; `sepuluh`, `sebelas`, `dua belas` … `sembilan belas`;
/// `dua puluh` …; `seratus`, `dua ratus` …; zero as `nol`, and the ways officers write "none":
/// `-`, `nihil`, `kosong`.
public enum NumberWords {
    static let units = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]

    /// The standard spelling of `n` (0…999), lower case, words separated by one space;
    /// nil outside that range.
    public static func words(_ n: Int) -> String? {
        guard (0...999).contains(n) else { return nil }
        if n == 0 { return "nol" }
        var parts: [String] = []
        let h = n / 100, rest = n % 100
        if h == 1 { parts.append("seratus") } else if h > 1 { parts += [units[h], "ratus"] }
        if rest >= 20 {
            parts += [units[rest / 10], "puluh"]
            if rest % 10 > 0 { parts.append(units[rest % 10]) }
        } else if rest >= 12 {
            parts += [units[rest % 10], "belas"]
        } else if rest == 11 {
            parts.append("sebelas")
        } else if rest == 10 {
            parts.append("sepuluh")
        } else if rest > 0 {
            parts.append(units[rest])
        }
        return parts.joined(separator: " ")
    }

    /// Every accepted way of writing `n`: the standard spelling, and for zero also `nihil`,
    /// `kosong` and `-`; for 1–9 hundreds and tens also the split forms `satu ratus`,
    /// `satu puluh`, `satu belas` some officers write.
    public static func spellings(_ n: Int) -> [String] {
        guard let standard = words(n) else { return [] }
        if n == 0 { return [standard, "nihil", "kosong", "-"] }
        var out = [standard]
        let split = standard.replacingOccurrences(of: "seratus", with: "satu ratus")
            .replacingOccurrences(of: "sepuluh", with: "satu puluh")
            .replacingOccurrences(of: "sebelas", with: "satu belas")
        if split != standard { out.append(split) }
        return out
    }

    /// The number a text spells, read word by word (case, spacing and punctuation ignored;
    /// `se` joined or apart: `seratus`, `se ratus`); nil when it is not exactly a number's words.
    public static func parse(_ text: String) -> Int? {
        let lowered = text.lowercased()
        let trimmed = lowered.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == "-" || trimmed == "–" || trimmed == "—" { return 0 }
        var tokens = lowered.split { !$0.isLetter }.map(String.init)
        // "se ratus" → "seratus"
        var joined: [String] = []
        var i = 0
        while i < tokens.count {
            if tokens[i] == "se", i + 1 < tokens.count, ["ratus", "puluh", "belas"].contains(tokens[i + 1]) {
                joined.append("se" + tokens[i + 1]); i += 2
            } else { joined.append(tokens[i]); i += 1 }
        }
        tokens = joined
        guard !tokens.isEmpty else { return nil }
        if tokens.count == 1, ["nol", "nihil", "kosong"].contains(tokens[0]) { return 0 }
        // Parse against the grammar: [hundreds] [tens | teens | unit]
        var pos = 0
        func unit(_ t: String) -> Int? { units.firstIndex(of: t).flatMap { $0 >= 1 ? $0 : nil } }
        var value = 0
        if pos < tokens.count, tokens[pos] == "seratus" { value = 100; pos += 1 }
        else if pos + 1 < tokens.count, let u = unit(tokens[pos]), tokens[pos + 1] == "ratus" { value = u * 100; pos += 2 }
        if pos == tokens.count { return value > 0 ? value : nil }
        if tokens[pos] == "sepuluh" { value += 10; pos += 1 }
        else if tokens[pos] == "sebelas" { value += 11; pos += 1 }
        else if pos + 1 < tokens.count, let u = unit(tokens[pos]), tokens[pos + 1] == "belas" { value += 10 + u; pos += 2 }
        else if pos + 1 < tokens.count, let u = unit(tokens[pos]), tokens[pos + 1] == "puluh" {
            value += u * 10; pos += 2
            if pos < tokens.count, let u2 = unit(tokens[pos]) { value += u2; pos += 1 }
        } else if let u = unit(tokens[pos]) { value += u; pos += 1 }
        return pos == tokens.count ? value : nil
    }
}

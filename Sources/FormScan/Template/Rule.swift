/// A parsed arithmetic rule: `left op right`, each side a sum of terms.
///
/// Grammar (whitespace free-form):
/// ```
/// rule  := side ("=" | "<=" | ">=" | "<" | ">") side
/// side  := term (("+" | "-") term)*
/// term  := INTEGER | FIELD | "ceil(" NUMBER "% *" FIELD ")"
/// FIELD := FIELD_ID | "[" TEMPLATE_ID "]." FIELD_ID     (the latter only in station rules)
/// ```
/// `ceil(2% * pemilih_dpt_j)` is the 2% ballot reserve rounded up (188 → 4).
public struct Rule: Sendable, Equatable {
    public enum Relation: String, Sendable { case equal = "=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">" }

    public enum Term: Sendable, Equatable {
        case constant(Int)
        case field(String)
        case ceilPercent(Double, String)
    }

    public struct Side: Sendable, Equatable {
        /// (sign, term) pairs; sign is +1 or -1.
        public var terms: [(Int, Term)]
        public static func == (a: Side, b: Side) -> Bool {
            a.terms.count == b.terms.count && zip(a.terms, b.terms).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        }
    }

    public var text: String
    public var label: String
    public var soft: Bool
    public var left: Side
    public var relation: Relation
    public var right: Side

    /// Every field the rule reads.
    public var fieldIDs: [String] {
        var out: [String] = []
        for (_, t) in left.terms + right.terms {
            switch t {
            case .field(let f), .ceilPercent(_, let f): if !out.contains(f) { out.append(f) }
            case .constant: break
            }
        }
        return out
    }

    /// Evaluates with `value(field)`; nil when a field has no value.
    public func evaluate(_ value: (String) -> Int?) -> (holds: Bool, left: Int, right: Int)? {
        func side(_ s: Side) -> Int? {
            var total = 0
            for (sign, t) in s.terms {
                switch t {
                case .constant(let c): total += sign * c
                case .field(let f):
                    guard let v = value(f) else { return nil }
                    total += sign * v
                case .ceilPercent(let p, let f):
                    guard let v = value(f) else { return nil }
                    total += sign * Int((Double(v) * p / 100 - 1e-9).rounded(.up))
                }
            }
            return total
        }
        guard let l = side(left), let r = side(right) else { return nil }
        let holds: Bool
        switch relation {
        case .equal: holds = l == r
        case .lessOrEqual: holds = l <= r
        case .greaterOrEqual: holds = l >= r
        case .less: holds = l < r
        case .greater: holds = l > r
        }
        return (holds, l, r)
    }

    /// Writes the rule with numbers in place of fields: `135 + 1 = 136`.
    public func rendered(_ value: (String) -> Int?) -> String {
        func side(_ s: Side) -> String { s.rendered(value) }
        let op: String
        switch relation {
        case .equal: op = "="
        case .lessOrEqual: op = "≤"
        case .greaterOrEqual: op = "≥"
        case .less: op = "<"
        case .greater: op = ">"
        }
        return "\(side(left)) \(op) \(side(right))"
    }
}

extension Double {
    var formatted0: String { self == rounded() ? String(Int(self)) : String(self) }
}

/// Parses rule text; errors are plain strings naming what is wrong.
public enum RuleParser {
    public static func parse(_ text: String, label: String?, soft: Bool) throws(RuleParseError) -> Rule {
        var s = Substring(text)
        func skipSpaces() { while let c = s.first, c == " " || c == "\t" { s.removeFirst() } }
        func identifier() -> String? {
            skipSpaces()
            var id = ""
            // "[template-id].field": a field of another page of the same station
            if s.first == "[" {
                s.removeFirst()
                while let c = s.first, c != "]" { id.append(c); s.removeFirst() }
                guard s.first == "]" else { return nil }
                s.removeFirst()
                guard s.first == "." else { return nil }
                s.removeFirst()
                id.append(".")
            }
            while let c = s.first, c.isLetter || c.isNumber || c == "_" || c == "." { id.append(c); s.removeFirst() }
            return id.isEmpty ? nil : id
        }
        func number() -> Double? {
            skipSpaces()
            var t = ""
            while let c = s.first, c.isNumber || c == "." { t.append(c); s.removeFirst() }
            return Double(t)
        }
        func expect(_ lit: String) throws(RuleParseError) {
            skipSpaces()
            guard s.hasPrefix(lit) else { throw RuleParseError(text: text, reason: "expected '\(lit)' at '\(s)'") }
            s.removeFirst(lit.count)
        }
        func term() throws(RuleParseError) -> Rule.Term {
            skipSpaces()
            if s.hasPrefix("ceil(") {
                s.removeFirst(5)
                guard let p = number() else { throw RuleParseError(text: text, reason: "expected a percentage after ceil(") }
                try expect("%")
                try expect("*")
                guard let f = identifier() else { throw RuleParseError(text: text, reason: "expected a field in ceil()") }
                try expect(")")
                return .ceilPercent(p, f)
            }
            if let c = s.first, c.isNumber {
                guard let n = number(), n == n.rounded() else { throw RuleParseError(text: text, reason: "bad number") }
                return .constant(Int(n))
            }
            guard let id = identifier() else { throw RuleParseError(text: text, reason: "expected a field id or number at '\(s)'") }
            return .field(id)
        }
        func side() throws(RuleParseError) -> Rule.Side {
            var terms: [(Int, Rule.Term)] = []
            var sign = 1
            skipSpaces()
            if s.first == "-" { sign = -1; s.removeFirst() }
            terms.append((sign, try term()))
            while true {
                skipSpaces()
                if s.first == "+" { s.removeFirst(); terms.append((1, try term())) }
                else if s.first == "-" { s.removeFirst(); terms.append((-1, try term())) }
                else { break }
            }
            return Rule.Side(terms: terms)
        }
        let left = try side()
        skipSpaces()
        let relation: Rule.Relation
        if s.hasPrefix("<=") || s.hasPrefix("≤") { relation = .lessOrEqual; s.removeFirst(s.hasPrefix("<=") ? 2 : 1) }
        else if s.hasPrefix(">=") || s.hasPrefix("≥") { relation = .greaterOrEqual; s.removeFirst(s.hasPrefix(">=") ? 2 : 1) }
        else if s.hasPrefix("=") { relation = .equal; s.removeFirst() }
        else if s.hasPrefix("<") { relation = .less; s.removeFirst() }
        else if s.hasPrefix(">") { relation = .greater; s.removeFirst() }
        else { throw RuleParseError(text: text, reason: "expected =, <=, >=, < or > at '\(s)'") }
        let right = try side()
        skipSpaces()
        guard s.isEmpty else { throw RuleParseError(text: text, reason: "unexpected '\(s)'") }
        return Rule(text: text, label: label ?? text, soft: soft, left: left, relation: relation, right: right)
    }
}

public struct RuleParseError: Error, CustomStringConvertible, Equatable {
    public var text: String
    public var reason: String
    public var description: String { "rule '\(text)': \(reason)" }
}

extension Rule.Side {
    /// The side with numbers in place of fields (`123 + 274 + 32`), `minus` written for a
    /// subtraction; a field with no number is `?`, a percentage of it `unknownPercent` (by
    /// default `ceil(2% of ?)`).
    public func rendered(_ value: (String) -> Int?, minus: String = "-", unknownPercent: String? = nil) -> String {
        var out = ""
        for (i, (sign, t)) in terms.enumerated() {
            if i > 0 { out += sign < 0 ? " \(minus) " : " + " } else if sign < 0 { out += minus }
            switch t {
            case .constant(let c): out += String(c)
            case .field(let f): out += value(f).map(String.init) ?? "?"
            case .ceilPercent(let p, let f):
                if let v = value(f) { out += String(Int((Double(v) * p / 100 - 1e-9).rounded(.up))) } else {
                    out += unknownPercent ?? "ceil(\(p.formatted0)% of ?)"
                }
            }
        }
        return out
    }
}

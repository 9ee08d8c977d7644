import DigitReader

/// Turns the three box symbols of a field into a number, the form's way:
/// leading boxes may hold `X`, `-` or nothing; `XXX`, `XX0` and `---` are zero.
enum FieldAssembly {
    enum Outcome: Equatable {
        case value(Int)
        /// A digit followed by a filler (`2 X`): the writer shifted the number a box left.
        case malformed(String)
        /// Every box empty: nothing was written.
        case empty
    }

    static func assemble(_ symbols: [BoxSymbol]) -> Outcome {
        if symbols.allSatisfy({ $0 == .blank }) { return .empty }
        var value = 0
        var seenDigit = false
        for s in symbols {
            if let d = s.digitValue {
                value = value * 10 + d
                seenDigit = true
            } else if seenDigit {
                let text = symbols.map { $0 == .blank ? "_" : $0.description }.joined(separator: " ")
                return .malformed("a digit followed by '\(s == .blank ? "nothing" : s.description)' (\(text)): the number looks shifted one box to the left")
            }
        }
        return .value(value)
    }
}

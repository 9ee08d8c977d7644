/// What can go wrong inside DigitReader, said so that a user knows what to do.
public enum DigitReaderError: Error, CustomStringConvertible, Equatable {
    case modelNotFound(language: String, searched: [String])
    case modelUnreadable(path: String, reason: String)
    case engineFailed(String)

    public var description: String {
        switch self {
        case .modelNotFound(let language, let searched):
            return "no Tesseract model '\(language).traineddata' found (looked in: \(searched.joined(separator: ", "))): install tesseract-ocr-eng or pass --model-dir"
        case .modelUnreadable(let path, let reason):
            return "the Tesseract model at \(path) cannot be loaded (\(reason)): reinstall it or point --model-dir at a good copy"
        case .engineFailed(let why):
            return "Tesseract failed: \(why)"
        }
    }
}

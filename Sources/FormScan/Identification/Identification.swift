/// Which page an image shows, decided before registration, with the evidence
/// (`PageIdentifier`); the scanner adds which templates it then registered. In the result as
/// `identification` (docs/result-schema.md).
public struct Identification: Sendable, Codable, Equatable {
    /// A template and how well the page's layout fingerprint matches its reference (normalised
    /// correlation, -1…1; 1 = the same picture).
    public struct Candidate: Sendable, Codable, Equatable {
        public var template: String
        public var score: Double
    }

    /// How the templates registered were chosen.
    public enum Route: String, Sendable, Codable {
        /// The template given (`-t`).
        case given
        /// The page's AprilTag named the template.
        case tag
        /// The fingerprint's first candidate (then its second), its margin large enough.
        case fingerprint
        /// The fingerprint's margin too small to trust: the templates ranked by their ruled
        /// lines, as before identification existed.
        case ranking
    }

    /// The templates best first, by fingerprint (at most `PageIdentifier.shortList`).
    public var candidates: [Candidate]
    /// First candidate's score minus the second's (0 when no fingerprint was taken).
    public var margin: Double
    /// Whether the fingerprint was taken of the sheet found in the photo ("sheet": its
    /// outline) or of the whole image ("image": a scan, or no sheet found); absent when none
    /// was taken (a tag named the page, or `-t`).
    public var fingerprintOf: String?
    /// The AprilTag found on the whole image (2024 pages), when one names a known template.
    public var aprilTag: AprilTag?
    /// The template that tag names.
    public var tagTemplate: String?
    public var route: Route
    /// The templates finely registered, in order.
    public var tried: [String] = []
    /// Time spent identifying, milliseconds (the sheet's outline included when this stage
    /// found it first; registration reuses it).
    public var milliseconds: Double

    /// The template identification puts first: the one the tag names, else the fingerprint's
    /// first candidate.
    public var first: String? { tagTemplate ?? candidates.first?.template }

    /// The first candidate, when the evidence settles it: a tag, or a fingerprint margin of
    /// at least `PageIdentifier.trustedMargin`.
    public var trusted: Bool { tagTemplate != nil || margin >= PageIdentifier.trustedMargin }
}

/// How a page image was laid onto a template, with the figures a person needs to audit it.
public struct Registration: Sendable, Codable {
    /// Clockwise quarter turns applied to the image before registering (0–3).
    public var quarterTurns: Int
    /// Template pixels -> pixels of the image after `quarterTurns`.
    public var transform: Homography
    /// Root-mean-square distance, in template pixels, between the template's ruled lines and the
    /// lines found in the image after the fit (0 = perfect; above ~2 the boxes may be cut wrongly).
    public var residual: Double
    /// Fraction of the template's ruled-line samples found in the image (1 = every line seen).
    public var coverage: Double
    /// Fraction of the template's line length found by the coarse search.
    public var coarseScore: Double
    /// Page skew found by the coarse search, degrees.
    public var skewDegrees: Double
    /// Image pixels per template pixel at the page centre.
    public var scale: Double
    /// Corner marks found where the fit predicts them (an independent check; cut or covered
    /// marks are simply not found).
    public var marksFound: Int = 0
    /// RMS distance, template pixels, between predicted and found mark centres (nil: none found).
    public var marksResidual: Double? = nil
    /// The page's AprilTag: the one identification found on the whole image (naming this
    /// template, in any mode), else one found on the registered page's title band (templates
    /// with `aprilTag`, auto mode): an identification independent of the ruled lines.
    public var aprilTag: AprilTag? = nil
    /// The picture's quality on the page (brightness, contrast, sharpness, size, inside the photo).
    public var quality: ImageQuality? = nil

    /// The largest residual accepted for this page (template pixels):
    /// `RegistrationLimits.maximumResidual` times the template's `boxUnit` (nil, as in results
    /// stored before it was recorded: `maximumResidual`).
    public var residualLimit: Double? = nil

    /// The residual accepted: `residualLimit`, or the measured limit when none was recorded.
    public var acceptedResidual: Double { residualLimit ?? RegistrationLimits.maximumResidual }

    /// Registration good enough to read boxes.
    public var isUsable: Bool { coverage >= RegistrationLimits.minimumCoverage && residual <= acceptedResidual }

    /// The same fit, refused: its coverage set just under the minimum (kept as the best
    /// attempt, so the answer can still say which page it looked like).
    var refused: Registration {
        var r = self
        r.coverage = min(coverage, RegistrationLimits.minimumCoverage - 0.01)
        return r
    }
}

/// The thresholds for accepting a registration, in one place.
public enum RegistrationLimits {
    /// Below this fraction of ruled lines found, the image is not this page.
    public static let minimumCoverage = 0.55
    /// Above this residual (template pixels of a page whose boxes are about 50 px wide), boxes
    /// would be cut off their printed frames.
    public static let maximumResidual = 2.5
}

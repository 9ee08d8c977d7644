import DigitReader
import Foundation

/// The fine fit from a coarse start: passes of line measurement at shrinking search radii.
extension Registrar {
    /// A fit that shrinks the form into a corner of the image (a few lines matched by chance,
    /// seen on a blurred photo) is no fit: the form must cover a tenth of the image or more.
    func isPlausible(_ h: Homography, in image: GrayImage) -> Bool {
        let corners = [(0.0, 0.0), (template.width, 0.0), (template.width, template.height), (0.0, template.height)].map { h.apply($0.0, $0.1) }
        return Quad.area(corners) >= 0.1 * Double(image.width * image.height)
    }

    /// Orders attempts: coverage first, less residual breaking near-ties.
    func rank(_ r: Registration) -> Double { r.coverage - (r.residual.isFinite ? r.residual * 0.02 : 1) }

    /// The fine fit, starting from a coarse one. `guided` (a photo's start from the sheet's
    /// outline), when the template has perspective lines and the plain fit finds some but not
    /// enough of the lines: fitted again with the perspective lines measured in every pass but
    /// the last (they bring the far side of a tilted photo within reach; the last fits the
    /// template's lines alone), and the better fit kept. Generated photos: plain 27% and 43% of
    /// the lines, guided 93% and 77%; wrong starts mostly under 20%, and a fit guided from the
    /// start can lose a page the plain one registers (a signature taken for a line).
    func refineFit(_ image: GrayImage, coarse: Coarse, radii: [Double] = [16, 8, 5, 4], guided: Bool = false) -> Registration {
        let plain = refineFit(image, coarse: coarse, radii: radii, perspective: false)
        guard guided, template.perspectiveLines != nil,
              plain.coverage < Self.minimumOutlineCoverage, plain.coverage >= Self.guidedRetryCoverage else { return plain }
        let fit = refineFit(image, coarse: coarse, radii: radii, perspective: true)
        return rank(fit) > rank(plain) ? fit : plain
    }

    /// The largest residual accepted on this template (`Template.boxUnit`).
    var residualLimit: Double { RegistrationLimits.maximumResidual * template.boxUnit }

    /// A plain fit finding less than this share of the lines is a wrong start: not fitted again.
    static let guidedRetryCoverage = 0.2

    /// The fine fit, measuring the perspective lines in every pass but the last when `perspective`.
    private func refineFit(_ image: GrayImage, coarse: Coarse, radii: [Double], perspective: Bool) -> Registration {
        var h = coarse.transform
        var result: (Homography, Double, Double)? = nil
        for (i, radius) in radii.enumerated() {
            // Only the last pass decides the fit and its coverage; the passes before it just
            // bring it within reach, for which every other sample does.
            let last = i == radii.count - 1
            guard let fit = refine(image, h, radius: radius * max(1, coarse.scale), final: last, every: last ? 1 : 2,
                                   perspective: perspective && !last) else { break }
            h = fit.0
            result = fit
        }
        guard let (hh, residual, coverage) = result else {
            return Registration(quarterTurns: 0, transform: coarse.transform, residual: .infinity, coverage: 0,
                                coarseScore: coarse.score, skewDegrees: coarse.skew, scale: coarse.scale, residualLimit: residualLimit)
        }
        let scale = hh.scale(near: template.width / 2, template.height / 2)
        return Registration(quarterTurns: 0, transform: hh, residual: residual / max(scale, 1e-6), coverage: coverage,
                            coarseScore: coarse.score, skewDegrees: coarse.skew, scale: scale, residualLimit: residualLimit)
    }
}

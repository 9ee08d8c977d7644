import DigitReader
import Foundation

extension Registrar {
    /// Coarse views of one image by quarter turn, so that trying several templates on a page
    /// computes them once. Used by one scan at a time.
    final class CoarseCache {
        private var views: [Int: CoarseView?] = [:]
        private var outline: PageOutline??
        /// Registrar.cornerScore by "template#corner".
        var cornerScores: [String: Double] = [:]
        init() {}

        func view(turn: Int, side: Int, turned: () -> GrayImage) -> CoarseView? {
            if let v = views[turn] { return v }
            let v = CoarseView(turned(), side: side)
            views[turn] = v
            return v
        }

        /// The template laid on the sheet's outline as it is.
        func roughOutlineFit(_ image: GrayImage, corner: Int, template: Template) -> Homography? {
            guard hasOutline(image), let found = outline ?? nil else { return nil }
            return found.transform(width: template.width, height: template.height, turns: corner)
        }

        /// Other outlines, found on first use.
        private var alternatives: [[(x: Double, y: Double)]]?

        /// How many of the alternatives are other outlines of the sheet; the rest are guesses of
        /// a sheet cut by the photo's edge.
        private var outlineAlternatives = 0

        /// Other outlines of the sheet to try (`PageOutline.alternatives`), then the sheet as
        /// guessed from its one whole corner where the photo cuts it (`cutSheetQuads`).
        func alternatives(_ image: GrayImage) -> [[(x: Double, y: Double)]] {
            if let alternatives { return alternatives }
            guard hasOutline(image), let found = outline ?? nil else { return [] }
            let others = found.alternatives()
            outlineAlternatives = others.count
            alternatives = others + found.cutSheetQuads()
            return alternatives!
        }

        /// Whether alternative `i` (1-based, as in `outlineFits`) is a guess of a cut sheet's
        /// extent rather than an outline found: a fit from it counts only when usable (a guess
        /// that lays a form on a page of another kind finds part of its lines by chance).
        func isGuess(_ i: Int, _ image: GrayImage) -> Bool {
            i > 0 && i <= alternatives(image).count && i > outlineAlternatives
        }

        /// Whether the template laid on guess `i` with its top-left corner on corner `corner` is
        /// the same way round as the guess (its long side along the guess's long side).
        func guessFits(_ i: Int, _ image: GrayImage, corner: Int, template: Template) -> Bool {
            guard var found = outline ?? nil else { return false }
            found.corners = alternatives(image)[i - 1]
            guard let t = found.transform(width: template.width, height: template.height, turns: corner) else { return false }
            let (o, right, down) = (t.apply(0, 0), t.apply(template.width, 0), t.apply(0, template.height))
            let across = hypot(right.x - o.x, right.y - o.y), along = hypot(down.x - o.x, down.y - o.y)
            return (along > across) == (template.height > template.width)
        }

        /// How many other outlines there are to try.
        func alternativeCount(_ image: GrayImage) -> Int { alternatives(image).count }

        /// Whether the image shows a sheet against a background (found once per image).
        func hasOutline(_ image: GrayImage) -> Bool {
            if outline == nil { outline = .some(PageOutline(image)) }
            return (outline ?? nil) != nil
        }

        /// The sheet's outline in the image, when it shows one (found once per image).
        func sheet(_ image: GrayImage) -> PageOutline? {
            hasOutline(image) ? outline ?? nil : nil
        }

        /// Starts from the outline (the template's top-left corner on the outline corner
        /// `corner` steps clockwise from the image's top-left): tightened on the corner marks
        /// where they are found, and the ruled-line search run on the page set straight by the
        /// outline (the sheet's edge is not the reference image's edge: margins differ, scans
        /// are cut).
        func outlineFits(_ image: GrayImage, corner: Int, template: Template, registrar: Registrar, alternative: Int = 0) -> [Coarse] {
            guard hasOutline(image), var found = outline ?? nil else { return [] }
            if alternative > 0 {
                let others = alternatives(image)
                guard alternative <= others.count else { return [] }
                found.corners = others[alternative - 1]
            }
            guard let t = found.transform(width: template.width, height: template.height, turns: corner) else { return [] }
            var starts: [Coarse] = []
            if let marked = MarkFinder.refine(image, template: template, rough: t, sheet: found.corners) {
                starts.append(Coarse(transform: marked, score: found.areaFraction, skew: 0,
                                     scale: marked.scale(near: template.width / 2, template.height / 2), wide: true))
            }
            // The page straightened by the outline, at the coarse search's size.
            let c = Double(registrar.coarseSide) / max(template.width, template.height)
            let straight = image.warped(width: Int(template.width * c), height: Int(template.height * c),
                                        through: t.composed(after: Homography([1 / c, 0, 0.5 / c, 0, 1 / c, 0.5 / c, 0, 0, 1])))
            if let view = CoarseView(straight, side: registrar.coarseSide) {
                let toImage = t.composed(after: Homography([1 / c, 0, 0, 0, 1 / c, 0, 0, 0, 1]))
                for fit in registrar.coarseFits(view, count: 2, straightened: true) {
                    let h = toImage.composed(after: fit.transform)
                    // The straightened fit puts the corner marks within a few pixels even where
                    // the sheet's edge and the reference's edge differ: look for them again.
                    if let marked = MarkFinder.refine(image, template: template, rough: h, sheet: found.corners) {
                        starts.append(Coarse(transform: marked, score: fit.score, skew: 0,
                                             scale: marked.scale(near: template.width / 2, template.height / 2), wide: true))
                    }
                    starts.append(Coarse(transform: h, score: fit.score, skew: fit.skew,
                                         scale: h.scale(near: template.width / 2, template.height / 2)))
                }
            }
            return starts
        }
    }
}

import DigitReader
import Foundation

/// Cheap scores that rank the templates for a page before any fine fit.
extension Registrar {
    /// The coarse fit at the most likely turn: a cheap way to rank templates for a page.
    func firstCoarse(_ image: GrayImage, cache: CoarseCache = CoarseCache()) -> Coarse? {
        let turn = likelyTurns(image)[0]
        return cache.view(turn: turn, side: coarseSide) { image.rotated(quarterTurns: turn) }
            .flatMap { coarseFits($0, count: 1, quick: true).first }
    }

    /// How well the page's ruled lines match this template's at the most likely turn (the
    /// coarse fit's score), to rank templates cheaply: the template's collinear segments are
    /// taken as one line each (the 2024 page-1 template has 290 segments on 64 lines), which
    /// halves the work of ranking the templates of a page. The template tried is then fitted
    /// on its own segments (`firstCoarse`).
    func rankingScore(_ image: GrayImage, cache: CoarseCache) -> Double {
        let turn = likelyTurns(image)[0]
        return cache.view(turn: turn, side: coarseSide) { image.rotated(quarterTurns: turn) }
            .flatMap { coarseFits($0, count: 1, quick: true, mergingCollinear: true).first?.score } ?? 0
    }
}

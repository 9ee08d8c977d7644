import Foundation

/// The second reader: one network, or several trained alike from different seeds whose
/// probabilities are averaged (their mistakes differ, so the average is right more often and
/// less often sure of a wrong class). Loaded from `classifier.bin`, `classifier-2.bin`, … in the
/// models folder.
public struct ClassifierEnsemble: Sendable {
    public let members: [ConvNet]

    public init(paths: [String]) throws(DigitReaderError) {
        var members: [ConvNet] = []
        for p in paths { members.append(try ConvNet(contentsOf: p)) }
        self.members = members
    }

    /// Class probabilities (`ConvNet.classes` order) of a 28x28 crop: the members' mean.
    public func probabilities(_ image: GrayImage) -> [Double] {
        guard members.count > 1 else { return members.first?.probabilities(image) ?? [] }
        var sum = [Double](repeating: 0, count: ConvNet.classes.count)
        for m in members {
            for (i, p) in m.probabilities(image).enumerated() { sum[i] += p }
        }
        return sum.map { $0 / Double(members.count) }
    }
}

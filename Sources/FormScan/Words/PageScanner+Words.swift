import DigitReader

extension PageScanner {
    /// Every field with a words line gets its `words` reading, read independently of its boxes
    /// (weighed against them afterwards by `WordsEvidence`).
    func readWords(_ page: GrayImage, template: Template, transform: Homography, fields: inout [String: FieldResult]) {
        guard let reader = wordsReader else { return }
        for f in template.fields where f.words != nil {
            guard var result = fields[f.id] else { continue }
            result.words = reader.read(page, field: f, transform: transform)
            fields[f.id] = result
        }
    }
}

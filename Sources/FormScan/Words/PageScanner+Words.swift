import DigitReader

extension PageScanner {
    /// Every field with a words line gets its `words` reading, scored against the numbers its
    /// boxes offer. Report-only: no value or status changes.
    func readWords(_ page: GrayImage, template: Template, transform: Homography, fields: inout [String: FieldResult]) {
        guard let reader = wordsReader else { return }
        for f in template.fields where f.words != nil {
            guard var result = fields[f.id] else { continue }
            result.words = reader.read(page, field: f, transform: transform, candidates: WordsReader.candidates(result))
            fields[f.id] = result
        }
    }
}

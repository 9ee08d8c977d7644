import DigitReader

extension PageScanner {
    /// Every field with a words line gets its `words` reading, read independently of its boxes.
    /// Report-only: no value or status changes.
    func readWords(_ page: GrayImage, template: Template, transform: Homography, fields: inout [String: FieldResult]) {
        guard let reader = wordsReader else { return }
        for f in template.fields where f.words != nil {
            guard var result = fields[f.id] else { continue }
            result.words = reader.read(page, field: f, transform: transform)
            fields[f.id] = result
        }
    }
}

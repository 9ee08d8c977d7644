import DigitReader
import Foundation
import Testing
@testable import FormScan

/// Identification as its own stage (issue 22): the page named from its AprilTag and its layout
/// fingerprint before any registration, the templates then registered one at a time.
@Suite("Identification: the page named before registration")
struct IdentificationTests {
    /// Every sample page of a known template, with that template: from its truth file, else
    /// from its name (the plano photos without truth files, the generated photos).
    static let pages: [(String, String)] = {
        let fm = FileManager.default
        var out: [(String, String)] = []
        for folder in ["kpu-2019", "generated", "generated-photos", "kawalc1"] {
            let dir = Fixtures.samples.appendingPathComponent(folder)
            for name in ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                let lower = name.lowercased()
                guard [".jpg", ".png", ".webp"].contains(where: lower.hasSuffix) else { continue }
                let path = dir.appendingPathComponent(name).path
                let template: String?
                if let truth = try? TruthFile.load(TruthFile.path(forImage: path)) { template = truth.template }
                else if lower.contains("lembar1") { template = "c1-ppwp-2019-lembar1" }
                else if lower.contains("lembar2") { template = "c1-ppwp-2019-lembar2" }
                else if lower.hasPrefix("plano-2019") { template = "c1-plano-ppwp-2019" }
                else if lower.hasPrefix("pilpres-2024-hal") { template = "c-hasil-ppwp-2024-hal" + String(lower.dropFirst("pilpres-2024-hal".count).prefix(1)) }
                else { template = nil }
                if let template { out.append(("\(folder)/\(name)", template)) }
            }
        }
        return out
    }()

    /// Pages the fingerprint still puts another template first on (docs/measurements.md, issue
    /// 22), each with a margin under `PageIdentifier.trustedMargin`, so that the templates are
    /// ranked by their ruled lines as before: the plano sheet on a flip chart (no sheet outline
    /// found: the whole photo compared), two generated photos whose sheet outlines take in
    /// their background, and the one faint, dotted Lembar 1 scan.
    static let knownMisses: Set<String> = [
        "kawalc1/plano-2019-simulasi.jpg",
        "generated-photos/cotbuloh-02-v2-lembar1.jpg", "generated-photos/karanghampa-01-v5-lembar1.jpg",
        "kpu-2019/karanghampa-01-lembar1.jpg",
    ]

    static var identifier: PageIdentifier { PageIdentifier(store: Fixtures.store) }

    @Test func everySamplePageIsListed() {
        // 20 KPU scans, 6 generated pages, 3 generated photos, 12 kawalc1 photos of known pages.
        #expect(Self.pages.count >= 40, "\(Self.pages.count)")
    }

    @Test(arguments: pages)
    func theIdentifierAloneNamesThePage(page: String, template: String) throws {
        let found = try Self.identifier.identify(path: Fixtures.samples.appendingPathComponent(page).path)
        // The templates without a tag are scored (or the tag settles it), best first.
        #expect(found.tagTemplate != nil || found.candidates.count == PageIdentifier.shortList)
        #expect(found.candidates == found.candidates.sorted { $0.score > $1.score })
        if Self.knownMisses.contains(page) {
            withKnownIssue("the fingerprint misranks this page (docs/measurements.md, issue 22)") {
                #expect(found.first == template)
            }
            // Not trusted: registration ranks the templates by their lines, as before.
            #expect(!found.trusted)
            return
        }
        #expect(found.first == template, "\(found.candidates)")
    }

    /// The 2024 photos carry their tag: it names the page whatever the fingerprint says, and
    /// it is found on the whole photo, before any registration.
    @Test(arguments: [("pilpres-2024-hal1.jpg", "c-hasil-ppwp-2024-hal1"), ("pilpres-2024-hal2.jpg", "c-hasil-ppwp-2024-hal2"),
                      ("pilpres-2024-hal2-cam2.jpg", "c-hasil-ppwp-2024-hal2"), ("pilpres-2024-hal3.jpg", "c-hasil-ppwp-2024-hal3")])
    func aTaggedPageIsNamedByItsTag(photo: String, template: String) throws {
        let found = try Self.identifier.identify(path: Fixtures.samples.appendingPathComponent("kawalc1/\(photo)").path)
        #expect(found.route == .tag)
        #expect(found.tagTemplate == template)
        #expect(found.trusted)
    }

    /// A page is never read against a template its tag contradicts: asked for another page
    /// with -t, it is refused, and in auto mode no other template is even registered.
    @Test func aPageWhoseTagContradictsIsNeverReadAsTheWrongTemplate() throws {
        let scanner = try Fixtures.scanner()
        let path = Fixtures.samples.appendingPathComponent("kawalc1/pilpres-2024-hal3.jpg").path
        for wrong in ["c-hasil-ppwp-2024-hal2", "c1-ppwp-2019-lembar2", "c1-plano-ppwp-2019"] {
            do {
                _ = try scanner.scan(path: path, templateID: wrong)
                Issue.record("read as \(wrong)")
            } catch {
                guard case .tagContradicts(_, let t, let tag, let named) = error else { Issue.record("\(error)"); continue }
                #expect(t == wrong)
                #expect(tag == 103)
                #expect(named == "c-hasil-ppwp-2024-hal3")
                #expect(error.kind == "wrong-page")
            }
        }
        let r = try scanner.scan(path: path)
        #expect(r.template == "c-hasil-ppwp-2024-hal3")
        #expect(r.identification?.route == .tag)
        #expect(r.identification?.tried == ["c-hasil-ppwp-2024-hal3"])
        #expect(r.registration.aprilTag?.id == 103)
        // Asked for the page it is, it reads as before.
        #expect(try scanner.scan(path: path, templateID: "c-hasil-ppwp-2024-hal3").template == "c-hasil-ppwp-2024-hal3")
    }

    /// A scan named with a clear margin is registered once, on that template alone, and the
    /// result says how it was named.
    @Test(arguments: ["kubu-02-lembar1.jpg", "kubu-02-lembar2.jpg", "pantemeutia-01-lembar2.jpg"])
    func aClearlyNamedScanIsRegisteredOnce(name: String) throws {
        let r = try Fixtures.scanner().scan(path: Fixtures.kpu(name))
        let id = try #require(r.identification)
        #expect(id.route == .fingerprint)
        #expect(id.margin >= PageIdentifier.trustedMargin)
        #expect(id.tried == [r.template])
        #expect(id.candidates.first?.template == r.template)
        #expect(id.fingerprintOf == "image")
        #expect(r.timings.identification > 0)
    }

    /// With -t the fingerprint is not taken and the template given is the only one tried.
    @Test func aGivenTemplateIsTheOnlyOneTried() throws {
        let r = try Fixtures.scanner().scan(path: Fixtures.kpu("kubu-02-lembar2.jpg"), templateID: "c1-ppwp-2019-lembar2")
        #expect(r.identification?.route == .given)
        #expect(r.identification?.candidates.isEmpty == true)
        #expect(r.identification?.tried == ["c1-ppwp-2019-lembar2"])
    }

    /// A page the fingerprint cannot tell (margin too small) falls back to the ranking by
    /// ruled lines, and is still read as its template.
    @Test func anUntrustedFingerprintFallsBackToTheRanking() throws {
        let r = try Fixtures.scanner().scan(path: Fixtures.kpu("karanghampa-01-lembar1.jpg"))
        #expect(r.template == "c1-ppwp-2019-lembar1")
        #expect(r.identification?.route == .ranking)
    }

    /// The fingerprints shipped beside the templates are the ones their reference images give
    /// (`scan-c1 identify --write-fingerprints --templates Sources/FormScan/Templates` after a
    /// reference or the fingerprint changes), and they are the ones used.
    @Test func theShippedFingerprintsAreTheReferencesOwn() throws {
        let untagged = Fixtures.store.templates.filter { $0.template.aprilTag == nil }
        #expect(untagged.count == 4)
        for t in untagged {
            let data = try #require(FileManager.default.contents(atPath: t.referenceImagePath))
            let made = try #require(ReferencePrints.made(data, name: t.referenceImagePath))
            let stored = try JSONDecoder().decode(ReferencePrints.Stored.self,
                                                  from: Data(contentsOf: URL(fileURLWithPath: ReferencePrints.storedPath(t))))
            #expect(stored == ReferencePrints.stored(values: stored.values, reference: t.template.referenceImage, data: data), "\(t.id): written from other bytes")
            #expect(stored.values.count == made.values.count)
            #expect(zip(stored.values, made.values).allSatisfy { abs($0 - $1) < 1e-5 }, "\(t.id): the print has changed")
            #expect(ReferencePrints.shared.print(t)?.values == stored.values)
        }
    }

    /// The fingerprint compares a page with itself as 1 and is unchanged by the page's
    /// brightness (a uniform shift of the paper and ink).
    @Test func theFingerprintOfAReferenceMatchesItself() throws {
        let t = try Fixtures.store.template("c1-ppwp-2019-lembar2")
        let print = try #require(ReferencePrints.shared.print(t))
        #expect(abs(print.correlation(print) - 1) < 1e-4)
    }
}

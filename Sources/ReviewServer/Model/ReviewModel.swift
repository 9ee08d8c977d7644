import Batch
import DigitReader
import FormScan
import Foundation
import Synchronization

/// One field of one stored page.
public struct FieldRef: Hashable, Sendable {
    public var imageID: Int64
    public var field: String
    public init(imageID: Int64, field: String) { self.imageID = imageID; self.field = field }
}

/// What a person may type for a field: a number 0–999, `X` (cannot be read on the photo: the
/// paper must be looked at), or nothing (Enter: the reading shown is right).
public enum ReviewInput: Sendable, Equatable {
    case number(Int)
    case unreadable
    case confirm

    /// Parses what was typed; nil for anything else (letters, 1000, -1, 12.5, four digits).
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { self = .confirm; return }
        if t == "x" || t == "X" { self = .unreadable; return }
        guard t.count <= 3, t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(t), (0...999).contains(v) else { return nil }
        self = .number(v)
    }
}

/// What can go wrong with a person's request; each says what to do, in both languages.
public enum ReviewError: Error, Equatable {
    case noSuchStation
    case noSuchField
    case badInput(String)
    case nothingToConfirm
    case noName
    case noSuchAnswer
    case database(String)
}

/// The stations of a batch database as the review page shows them: each station's pages with
/// the people's answers applied and the rules checked again (the way `verify --set` and
/// `rebuildStations` do), the fields still open, and the answers given. Answers are written to
/// the database before the state changes; the database is the record, this is a view of it.
final class ReviewModel: Sendable {
    struct StationState: Sendable {
        var key: String
        var members: [(imageID: Int64, path: String, result: PageResult)]
        /// The machine's pages (no person's numbers), station rules applied.
        var machine: [PageResult]
        /// With the standing corrections, station rules applied.
        var current: Station
        var answers: [FieldRef: ReviewAnswer]
        var missingPages: [String]

        /// Fields still waiting for a person, in page and form order.
        var open: [FieldRef] {
            current.pages.flatMap { p in
                p.result.orderedFields.filter { f in
                    f.status > .corrected && !f.isSetByPerson && answers[FieldRef(imageID: p.imageID, field: f.id)] == nil
                }.map { FieldRef(imageID: p.imageID, field: $0.id) }
            }
        }
        /// Fields the machine flagged (before any answer).
        var flagged: [FieldRef] {
            zip(members, machine).flatMap { m, r in r.orderedFields.filter { $0.status > .corrected }.map { FieldRef(imageID: m.imageID, field: $0.id) } }
        }
        var done: Bool { open.isEmpty }
        var unreadable: Int { answers.values.filter { $0.kind == .unreadable }.count }
        var machineStatus: FieldStatus { machine.map(\.status).max() ?? .missing }
        var templates: [String] { members.map(\.result.template) }
        var failedRuleLabels: [String] { current.pages.flatMap { $0.result.rules.filter { $0.outcome == .fail }.map(\.label) } }
        var folder: String { (key as NSString).deletingLastPathComponent }
    }

    struct State: Sendable {
        var stations: [String: StationState] = [:]
        var stationOfImage: [Int64: String] = [:]
    }

    let database: ScanDatabase
    let store: TemplateStore
    private let state: Mutex<State>

    init(database: ScanDatabase, store: TemplateStore) throws(ReviewError) {
        self.database = database
        self.store = store
        var s = State()
        do {
            let pages = try database.pages()
            let corrections = try database.corrections()
            let answers = try database.reviewAnswers()
            let grouped = Dictionary(grouping: pages, by: \.station)
            for (key, members) in grouped {
                let st = Self.compute(key: key, members: members.map { ($0.imageID, $0.path, $0.result) }, corrections: corrections,
                                      answers: answers, store: store)
                s.stations[key] = st
                for m in members { s.stationOfImage[m.imageID] = key }
            }
        } catch { throw .database(error.description) }
        state = Mutex(s)
    }

    static func compute(key: String, members: [(imageID: Int64, path: String, result: PageResult)], corrections: [Int64: [String: Int]],
                        answers: [ReviewAnswer], store: TemplateStore) -> StationState {
        var machine = members.map(\.result)
        StationChecker.apply(to: &machine, store: store)
        var results = members.map { m in
            guard let values = corrections[m.imageID], let t = try? store.template(m.result.template) else { return m.result }
            return m.result.applying(values, template: t)
        }
        StationChecker.apply(to: &results, store: store)
        let station = Station.make(key: key, pages: zip(members, results).map { m, r in
            Station.Page.make(imageID: m.imageID, path: m.path, template: r.template, result: r)
        })
        let ids = Set(members.map(\.imageID))
        var mine: [FieldRef: ReviewAnswer] = [:]
        for a in answers where ids.contains(a.imageID) { mine[FieldRef(imageID: a.imageID, field: a.field)] = a }
        let templates = members.map(\.result.template)
        let families = Set(templates.map(StationVerifier.family))
        let missing = store.ids.filter { families.contains(StationVerifier.family($0)) && !templates.contains($0) }
        return StationState(key: key, members: members, machine: machine, current: station, answers: mine, missingPages: missing)
    }

    /// Every station, worst first: most fields open, then the machine's status, then key.
    var stations: [StationState] {
        state.withLock { s in
            s.stations.values.sorted { a, b in
                let (oa, ob) = (a.open.count, b.open.count)
                if (oa == 0) != (ob == 0) { return oa > 0 }
                if a.machineStatus != b.machineStatus { return a.machineStatus > b.machineStatus }
                if oa != ob { return oa > ob }
                return a.key < b.key
            }
        }
    }

    func station(_ key: String) -> StationState? { state.withLock { $0.stations[key] } }

    func station(ofImage id: Int64) -> StationState? { state.withLock { s in s.stationOfImage[id].flatMap { s.stations[$0] } } }

    /// Stores a person's answer, checks the station's rules again and returns the station now.
    func answer(_ ref: FieldRef, input: ReviewInput, person: String, reason: String) throws(ReviewError) -> (StationState, ReviewAnswer.Kind) {
        let person = person.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !person.isEmpty else { throw .noName }
        let result: Result<(StationState, ReviewAnswer.Kind), ReviewError> = state.withLock { s in
            guard let key = s.stationOfImage[ref.imageID], let st = s.stations[key] else { return .failure(.noSuchStation) }
            guard let p = st.current.pages.first(where: { $0.imageID == ref.imageID }), let field = p.result.fields[ref.field],
                  let m = st.members.firstIndex(where: { $0.imageID == ref.imageID }) else { return .failure(.noSuchField) }
            let machineField = st.machine[m].fields[ref.field]
            let kind: ReviewAnswer.Kind
            let value: Int?
            switch input {
            case .number(let v): kind = .typed; value = v
            case .unreadable: kind = .unreadable; value = nil
            case .confirm:
                guard let v = field.value else { return .failure(.nothingToConfirm) }
                kind = .confirmed; value = v
            }
            do {
                try database.addReviewAnswer(imageID: ref.imageID, field: ref.field, kind: kind, value: value,
                                             originalValue: machineField?.value, originalStatus: (machineField?.status ?? .missing).rawValue,
                                             reason: reason, person: person)
                let updated = try reload(key, st, &s)
                return .success((updated, kind))
            } catch { return .failure(.database("\(error)")) }
        }
        return try result.get()
    }

    /// Withdraws an answer; returns the station now and the field it was for.
    func undo(answerID: Int64, person: String) throws(ReviewError) -> (StationState, FieldRef) {
        let result: Result<(StationState, FieldRef), ReviewError> = state.withLock { s in
            do {
                guard let a = try database.undoReviewAnswer(id: answerID, by: person.isEmpty ? "?" : person) else { return .failure(.noSuchAnswer) }
                guard let key = s.stationOfImage[a.imageID], let st = s.stations[key] else { return .failure(.noSuchStation) }
                return .success((try reload(key, st, &s), FieldRef(imageID: a.imageID, field: a.field)))
            } catch { return .failure(.database("\(error)")) }
        }
        return try result.get()
    }

    private func reload(_ key: String, _ st: StationState, _ s: inout State) throws(BatchError) -> StationState {
        let updated = Self.compute(key: key, members: st.members, corrections: try database.corrections(),
                                   answers: try database.reviewAnswers(), store: store)
        s.stations[key] = updated
        try database.storeStation(updated.current)
        return updated
    }
}

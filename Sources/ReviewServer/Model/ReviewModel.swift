import Batch
import DigitReader
import FormScan
import Foundation
import Synchronization

/// What a session may undo: a standing answer, or a double-entry first entry still pending.
enum Undoable: Hashable, Sendable {
    case answer(Int64)
    case entry(Int64)
}

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
    /// Double entry: this person already gave an entry of this field (the other entry, or the
    /// third look, must come from someone else).
    case samePerson
    case database(String)
}

/// Where a field stands under double entry.
public enum EntryStage: Sendable, Equatable {
    /// Nobody has entered it yet.
    case first
    /// One person's entry waits for a second, independent one.
    case second
    /// Two entries differ: a third person decides.
    case thirdLook
}

/// What a person's answer did.
public enum AnswerStep: Sendable, Equatable {
    /// One person's answer (no double entry): it stands.
    case answered
    /// Double entry: the first entry, stored; the field waits for a second person.
    case firstEntry
    /// Double entry: the second entry agrees with the first: the value stands.
    case agreed
    /// Double entry: the second entry differs: the field goes to a third look.
    case disagreed
    /// Double entry: the third look's answer decides.
    case decided
}

/// A person's name as compared under double entry: case and spacing do not make another person.
func samePerson(_ a: String, _ b: String) -> Bool {
    func norm(_ s: String) -> String { s.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    return norm(a) == norm(b)
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
        /// Double entry: the pending entries of each field (none without double entry).
        var entries: [FieldRef: [ReviewEntry]] = [:]
        var missingPages: [String]
        /// The recap's values for this station (`--expect`), when one was given.
        var recap: Expectation?

        /// Where an open field stands under double entry.
        func stage(_ ref: FieldRef) -> EntryStage {
            switch entries[ref]?.count ?? 0 {
            case 0: return .first
            case 1: return .second
            default: return .thirdLook
            }
        }

        /// The open fields this person can still answer: under double entry not those they
        /// entered already (the other entry, or the third look, is someone else's).
        func open(for person: String) -> [FieldRef] {
            open.filter { ref in !(entries[ref] ?? []).contains { samePerson($0.person, person) } }
        }
        var secondEntries: Int { open.filter { stage($0) == .second }.count }
        var thirdLooks: Int { open.filter { stage($0) == .thirdLook }.count }

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
    /// Two people answer each field independently (`--double-entry`).
    let doubleEntry: Bool
    /// Station key → the recap's values for it.
    let recaps: [String: Expectation]
    private let state: Mutex<State>

    init(database: ScanDatabase, store: TemplateStore, doubleEntry: Bool = false, recaps: [String: Expectation] = [:]) throws(ReviewError) {
        self.database = database
        self.store = store
        self.doubleEntry = doubleEntry
        self.recaps = recaps
        var s = State()
        do {
            let pages = try database.pages()
            let corrections = try database.corrections()
            let answers = try database.reviewAnswers()
            let entries = doubleEntry ? try database.reviewEntries() : []
            let grouped = Dictionary(grouping: pages, by: \.station)
            for (key, members) in grouped {
                var st = Self.compute(key: key, members: members.map { ($0.imageID, $0.path, $0.result) }, corrections: corrections,
                                      answers: answers, entries: entries, store: store)
                st.recap = recaps[key]
                s.stations[key] = st
                for m in members { s.stationOfImage[m.imageID] = key }
            }
        } catch { throw .database(error.description) }
        state = Mutex(s)
    }

    static func compute(key: String, members: [(imageID: Int64, path: String, result: PageResult)], corrections: [Int64: [String: Int]],
                        answers: [ReviewAnswer], entries: [ReviewEntry], store: TemplateStore) -> StationState {
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
        var pending: [FieldRef: [ReviewEntry]] = [:]
        for e in entries where ids.contains(e.imageID) { pending[FieldRef(imageID: e.imageID, field: e.field), default: []].append(e) }
        let templates = members.map(\.result.template)
        let families = Set(templates.map(StationVerifier.family))
        let missing = store.ids.filter { families.contains(StationVerifier.family($0)) && !templates.contains($0) }
        return StationState(key: key, members: members, machine: machine, current: station, answers: mine, entries: pending, missingPages: missing)
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

    /// What an answer did: the station now, how the person answered, the step it was (under
    /// double entry: an entry, an agreement, a disagreement, a third look's decision), and what
    /// this person's session may undo (a standing answer, or a first entry still pending).
    struct Answered: Sendable {
        var station: StationState
        var kind: ReviewAnswer.Kind
        var step: AnswerStep
        var undo: Undoable?
    }

    /// Stores a person's answer, checks the station's rules again and returns the station now.
    /// Under double entry the answer is an entry: the first waits for a second person's; the
    /// second stands when it agrees (the value becomes a correction naming both people) and
    /// otherwise sends the field to a third look; the third person's answer decides. One person
    /// never gives two entries of a field, nor the third look of a field they entered.
    func answer(_ ref: FieldRef, input: ReviewInput, person: String, reason: String) throws(ReviewError) -> Answered {
        let person = person.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !person.isEmpty else { throw .noName }
        let result: Result<Answered, ReviewError> = state.withLock { s in
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
            let original = (value: machineField?.value, status: (machineField?.status ?? .missing).rawValue)
            do {
                guard doubleEntry else {
                    let id = try database.addReviewAnswer(imageID: ref.imageID, field: ref.field, kind: kind, value: value,
                                                          originalValue: original.value, originalStatus: original.status,
                                                          reason: reason, person: person)
                    return .success(Answered(station: try reload(key, st, &s), kind: kind, step: .answered, undo: .answer(id)))
                }
                let pending = st.entries[ref] ?? []
                if pending.contains(where: { samePerson($0.person, person) }) { return .failure(.samePerson) }
                func entry() throws(BatchError) -> Int64 {
                    try database.addReviewEntry(imageID: ref.imageID, field: ref.field, kind: kind, value: value, originalValue: original.value,
                                                originalStatus: original.status, reason: reason, person: person)
                }
                switch pending.count {
                case 0:
                    let id = try entry()
                    return .success(Answered(station: try reload(key, st, &s), kind: kind, step: .firstEntry, undo: .entry(id)))
                case 1:
                    let first = pending[0]
                    let second = try entry()
                    guard first.value == value else {
                        // No undo: the person has learnt the entries differ, and must not try again until they agree.
                        return .success(Answered(station: try reload(key, st, &s), kind: kind, step: .disagreed, undo: nil))
                    }
                    let both: ReviewAnswer.Kind = first.kind == kind ? kind : .typed
                    let id = try database.addReviewAnswer(imageID: ref.imageID, field: ref.field, kind: both, value: value,
                                                          originalValue: original.value, originalStatus: original.status, reason: reason,
                                                          person: "\(first.person) + \(person)", decidedBy: .agreement,
                                                          entries: [first.id, second])
                    return .success(Answered(station: try reload(key, st, &s), kind: both, step: .agreed, undo: .answer(id)))
                default:
                    let id = try database.addReviewAnswer(imageID: ref.imageID, field: ref.field, kind: kind, value: value,
                                                          originalValue: original.value, originalStatus: original.status, reason: reason,
                                                          person: person, decidedBy: .thirdLook, entries: pending.map(\.id))
                    return .success(Answered(station: try reload(key, st, &s), kind: kind, step: .decided, undo: .answer(id)))
                }
            } catch { return .failure(.database("\(error)")) }
        }
        return try result.get()
    }

    /// Withdraws an answer (or, under double entry, a first entry still pending); returns the
    /// station now and the field it was for.
    func undo(_ what: Undoable, person: String) throws(ReviewError) -> (StationState, FieldRef) {
        let result: Result<(StationState, FieldRef), ReviewError> = state.withLock { s in
            do {
                let by = person.isEmpty ? "?" : person
                let ref: FieldRef
                switch what {
                case .answer(let id):
                    guard let a = try database.undoReviewAnswer(id: id, by: by) else { return .failure(.noSuchAnswer) }
                    ref = FieldRef(imageID: a.imageID, field: a.field)
                case .entry(let id):
                    // Only a first entry still alone: once a second entry is there, withdrawing
                    // the first would let its person enter again knowing how the second went.
                    guard s.stations.values.contains(where: { st in st.entries.values.contains { $0.count == 1 && $0[0].id == id } }),
                          let e = try database.undoReviewEntry(id: id, by: by) else { return .failure(.noSuchAnswer) }
                    ref = FieldRef(imageID: e.imageID, field: e.field)
                }
                guard let key = s.stationOfImage[ref.imageID], let st = s.stations[key] else { return .failure(.noSuchStation) }
                return .success((try reload(key, st, &s), ref))
            } catch { return .failure(.database("\(error)")) }
        }
        return try result.get()
    }

    private func reload(_ key: String, _ st: StationState, _ s: inout State) throws(BatchError) -> StationState {
        var updated = Self.compute(key: key, members: st.members, corrections: try database.corrections(),
                                   answers: try database.reviewAnswers(), entries: doubleEntry ? try database.reviewEntries() : [], store: store)
        updated.recap = st.recap
        s.stations[key] = updated
        try database.storeStation(updated.current)
        return updated
    }
}

import Domain
import Foundation
import Rules

/// TRS records through the API, asked in bulk ahead of the rows that need them.
///
/// `prefetch` takes every (TRN, date of birth) pair of the night and asks
/// `POST /v3/persons/find` 500 at a time; then, only for pairs `find` did not answer, one
/// `GET /v3/persons/{trn}` each — with the row's NINO for a school's or trust's row that
/// gives one — to tell a wrong date of birth from a TRN TRS does not hold (404), holds
/// deactivated (410) or merged into another (308). Each TRN then has one record that the
/// rules read exactly as they read the extract's: the same verdicts either way.
///
/// A TRN the night did not prefetch (a file rewritten after it was listed) is looked up
/// when a row asks for it. Any request that fails within `RetryPolicy` throws `TRSError`.
public final class TRSAPISource: TeacherRecordSource, @unchecked Sendable {
    public let client: TRSClient
    public let today: Day
    /// Requests in flight at once.
    public let concurrency: Int
    private let lock = NSLock()
    private var records: [Int: TRSRecord] = [:]
    /// TRNs TRS holds no active record under (404), from a second look.
    private var absent: Set<Int> = []

    public init(client: TRSClient, today: Day, concurrency: Int = 4) {
        self.client = client
        self.today = today
        self.concurrency = max(1, concurrency)
    }

    /// Asks TRS about every pair in `lookups` (duplicates are asked once).
    public func prefetch(_ lookups: [TRSLookup]) throws(TRSError) {
        let unique = Array(Set(lookups))
        let pairs = Array(Set(unique.map { Pair(trn: $0.trn.value, dateOfBirth: $0.dateOfBirth) }))
            .sorted { ($0.trn, $0.dateOfBirth) < ($1.trn, $1.dateOfBirth) }
        let batches = stride(from: 0, to: pairs.count, by: TRSClient.findLimit).map {
            Array(pairs[$0..<min($0 + TRSClient.findLimit, pairs.count)])
        }
        try inParallel(batches) { batch throws(TRSError) in
            let found = try self.client.find(
                batch.map { TRSLookup(trn: TRN(value: $0.trn)!, dateOfBirth: $0.dateOfBirth) }, today: self.today)
            self.lock.withLock { for record in found { self.records[record.trn.value] = record } }
        }
        // A pair find did not answer: the date of birth differs, or the TRN is not an active
        // record. One look per TRN, with a NINO where a row gives one (the schools' fallback).
        var second: [Int: String?] = [:]
        lock.withLock {
            for lookup in unique where records[lookup.trn.value]?.dateOfBirth != lookup.dateOfBirth {
                let nino = lookup.nationalInsuranceNumber
                if let asked = second[lookup.trn.value], asked != nil { continue }
                second[lookup.trn.value] = nino
            }
        }
        try inParallel(second.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }) { look throws(TRSError) in
            try self.secondLook(TRN(value: look.0)!, nationalInsuranceNumber: look.1)
        }
    }

    public func record(for trn: TRN) throws -> TRSRecord? {
        let known: TRSRecord?? = lock.withLock {
            if let record = records[trn.value] { return .some(record) }
            return absent.contains(trn.value) ? .some(nil) : nil
        }
        if let known { return known }
        try secondLook(trn, nationalInsuranceNumber: nil)
        return lock.withLock { records[trn.value] }
    }

    /// `GET /v3/persons/{trn}`; with a NINO first when one is given, then without it if
    /// TRS answers 404 (to tell a NINO that does not match from a TRN it does not hold).
    private func secondLook(_ trn: TRN, nationalInsuranceNumber nino: String?) throws(TRSError) {
        var look = try client.person(trn, nationalInsuranceNumber: nino, today: today)
        var confirmed = nino
        if nino != nil, look == .notFound {
            look = try client.person(trn, today: today)
            confirmed = nil
        }
        let found: TRSRecord?
        switch look {
        case .record(let record):
            // TRS matched the NINO (perhaps one from the teacher's workforce data): the
            // record carries it, as the rules compare it.
            found = confirmed.map { record.with(nationalInsuranceNumber: $0) } ?? record
        case .notFound:
            found = nil
        case .deactivated:
            found = TRSRecord(trn: trn, firstName: "", lastName: "", dateOfBirth: nil, qtsAwardDate: nil,
                              recordStatus: .deactivated)
        case .merged(let into):
            found = TRSRecord(trn: trn, firstName: "", lastName: "", dateOfBirth: nil, qtsAwardDate: nil,
                              recordStatus: .merged(into: into))
        }
        lock.withLock {
            if let found {
                // A second look knows more (the NINO) than find's answer for the same TRN.
                records[trn.value] = found
            } else {
                absent.insert(trn.value)
            }
        }
    }

    /// Runs `work` on every item, `concurrency` at a time; the first error is thrown once
    /// all have stopped.
    private func inParallel<Item: Sendable>(_ items: [Item], _ work: (Item) throws(TRSError) -> Void) throws(TRSError) {
        guard !items.isEmpty else { return }
        let next = Counter()
        let failure = FirstFailure()
        let threads = min(concurrency, items.count)
        withoutActuallyEscaping(work) { work in
            nonisolated(unsafe) let work = work
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while failure.value == nil, let index = next.take(below: items.count) {
                    do throws(TRSError) {
                        try work(items[index])
                    } catch {
                        failure.set(error)
                    }
                }
            }
        }
        if let error = failure.value { throw error }
    }

    private struct Pair: Hashable {
        let trn: Int
        let dateOfBirth: Day
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var error: TRSError?

    var value: TRSError? { lock.withLock { error } }

    func set(_ error: TRSError) {
        lock.withLock { if self.error == nil { self.error = error } }
    }
}

extension TRSRecord {
    func with(nationalInsuranceNumber: String) -> TRSRecord {
        TRSRecord(trn: trn, firstName: firstName, middleName: middleName, lastName: lastName, dateOfBirth: dateOfBirth,
                  nationalInsuranceNumber: nationalInsuranceNumber, qtsAwardDate: qtsAwardDate,
                  inductionStatus: inductionStatus, inductionStartDate: inductionStartDate,
                  inductionCompletionDate: inductionCompletionDate, prohibitedFromTeaching: prohibitedFromTeaching,
                  recordStatus: recordStatus)
    }
}

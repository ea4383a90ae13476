import Domain
import FakeTRS
import Foundation
import Testing
@testable import TRS

/// The API client and the bulk source against the fake TRS on loopback: real HTTP.
@Suite("TRS API client")
struct TRSClientTests {
    static let today = Day(iso: "2026-11-20")!
    /// Short waits, so that giving up takes milliseconds.
    static let quick = RetryPolicy(attempts: 3, initialDelay: 0.01, maximumDelay: 0.05, timeout: 2)

    static func record(_ trn: Int, dob: String = "1990-01-01", nino: String? = nil, qts: String? = "2022-07-16",
                       status: TRSRecord.RecordStatus = .active, prohibited: Bool = false,
                       induction: TRSRecord.InductionStatus = .requiredToComplete) -> TRSRecord {
        TRSRecord(trn: TRN(value: trn)!, firstName: "Ada", middleName: "M", lastName: "Lovelace", dateOfBirth: Day(iso: dob),
                  nationalInsuranceNumber: nino, qtsAwardDate: qts.flatMap { Day(iso: $0) }, inductionStatus: induction,
                  prohibitedFromTeaching: prohibited, recordStatus: status)
    }

    static func server(_ records: [TRSRecord]) throws -> FakeTRS {
        try FakeTRS(records: records, key: "test-key")
    }

    static func client(_ server: FakeTRS, key: String = "test-key", retry: RetryPolicy = quick) -> TRSClient {
        try! TRSClient(baseURL: server.url, key: key, retry: retry)
    }

    static func lookup(_ trn: Int, _ dob: String = "1990-01-01", nino: String? = nil) -> TRSLookup {
        TRSLookup(trn: TRN(value: trn)!, dateOfBirth: Day(iso: dob)!, nationalInsuranceNumber: nino)
    }

    @Test("find answers only the pairs whose date of birth matches an active record, with what the rules read")
    func find() throws {
        let fake = try Self.server([
            Self.record(1_000_001, prohibited: true, induction: .inProgress),
            Self.record(1_000_002, dob: "1985-05-05"),
            Self.record(1_000_003, status: .deactivated),
        ])
        defer { fake.stop() }
        let found = try Self.client(fake).find(
            [Self.lookup(1_000_001), Self.lookup(1_000_002), Self.lookup(1_000_003), Self.lookup(1_000_004)], today: Self.today)
        #expect(found.map(\.trn.value) == [1_000_001])
        let record = try #require(found.first)
        #expect(record.prohibitedFromTeaching)
        #expect(record.inductionStatus == .inProgress)
        #expect(record.qtsAwardDate == Day(iso: "2022-07-16"))
        #expect(record.nationalInsuranceNumber == nil, "find does not give the NINO")
        #expect(fake.counts.find == 1 && fake.counts.pairs == 4)
    }

    @Test("names with quotes, backslashes, control characters and non-ASCII letters come through as TRS holds them")
    func awkwardNames() throws {
        let name = "Zoë \"Q\" \\ O'Neil\t\u{1}"
        let record = TRSRecord(trn: TRN(value: 1_000_001)!, firstName: name, lastName: "Ōtsuka-Nguyễn", dateOfBirth: Day(iso: "1990-01-01"),
                               qtsAwardDate: nil)
        let fake = try Self.server([record])
        defer { fake.stop() }
        let client = Self.client(fake)
        let found = try client.find([Self.lookup(1_000_001)], today: Self.today)
        #expect(found.first?.firstName == name && found.first?.lastName == "Ōtsuka-Nguyễn")
        guard case .record(let looked) = try client.person(TRN(value: 1_000_001)!, today: Self.today) else {
            Issue.record("expected a record")
            return
        }
        #expect(looked.firstName == name && looked.qtsAwardDate == nil)
    }

    @Test("a second look tells not found, deactivated and merged apart, and does not follow the redirect")
    func secondLooks() throws {
        let fake = try Self.server([
            Self.record(1_000_001, nino: "AB123456C"),
            Self.record(1_000_002, status: .deactivated),
            Self.record(1_000_003, status: .merged(into: TRN(value: 1_000_001))),
        ])
        defer { fake.stop() }
        let client = Self.client(fake)
        guard case .record(let record) = try client.person(TRN(value: 1_000_001)!, today: Self.today) else {
            Issue.record("expected a record")
            return
        }
        #expect(record.nationalInsuranceNumber == "AB123456C" && record.dateOfBirth == Day(iso: "1990-01-01"))
        #expect(try client.person(TRN(value: 1_000_002)!, today: Self.today) == .deactivated)
        #expect(try client.person(TRN(value: 1_000_003)!, today: Self.today) == .merged(into: TRN(value: 1_000_001)))
        #expect(try client.person(TRN(value: 1_000_009)!, today: Self.today) == .notFound)
        #expect(try client.person(TRN(value: 1_000_001)!, nationalInsuranceNumber: "ZX999999A", today: Self.today) == .notFound)
        #expect(fake.counts.person == 5, "the 308 was not followed")
        #expect(fake.counts.statuses[308] == 1)
    }

    @Test("the night's pairs go 500 to a find request; only the pairs find did not answer get a second look")
    func prefetchBatches() throws {
        var records = (0..<1_200).map { Self.record(2_000_000 + $0) }
        records.append(Self.record(3_000_001, dob: "1970-01-01", nino: "AB123456C"))
        records.append(Self.record(4_000_001))
        let fake = try Self.server(records)
        defer { fake.stop() }
        let source = TRSAPISource(client: Self.client(fake), today: Self.today)
        var lookups = (0..<1_200).map { Self.lookup(2_000_000 + $0) }
        lookups += [Self.lookup(2_000_000)]                                      // asked twice: once
        lookups += [Self.lookup(3_000_001, nino: "AB123456C")]                   // wrong DOB, right NINO
        lookups += [Self.lookup(3_000_002)]                                      // not in TRS
        try source.prefetch(lookups)
        #expect(fake.counts.find == 3)
        #expect(fake.counts.largestFind == 500)
        #expect(fake.counts.pairs == 1_202)
        #expect(fake.counts.person == 2, "one look for each pair find did not answer")
        #expect(try source.record(for: TRN(value: 2_000_123)!)?.lastName == "Lovelace")
        #expect(try source.record(for: TRN(value: 3_000_001)!)?.nationalInsuranceNumber == "AB123456C")
        #expect(try source.record(for: TRN(value: 3_000_002)!) == nil)
        #expect(fake.counts.person == 2, "what the night asked is not asked again")
        // A TRN the night did not ask about is looked up when a row needs it.
        #expect(try source.record(for: TRN(value: 4_000_001)!) != nil)
        #expect(fake.counts.person == 3)
    }

    @Test("a NINO TRS does not match is told from a TRN it does not hold: the record comes back with TRS's NINO")
    func ninoThatDoesNotMatch() throws {
        let fake = try Self.server([Self.record(3_000_001, dob: "1970-01-01", nino: "AB123456C")])
        defer { fake.stop() }
        let source = TRSAPISource(client: Self.client(fake), today: Self.today)
        try source.prefetch([Self.lookup(3_000_001, nino: "ZX999999A")])
        let record = try #require(try source.record(for: TRN(value: 3_000_001)!))
        #expect(record.nationalInsuranceNumber == "AB123456C")
        #expect(fake.counts.person == 2)
    }

    @Test("503s, 429s and dropped connections are tried again; Retry-After is honoured")
    func retries() throws {
        let fake = try Self.server([Self.record(1_000_001)])
        defer { fake.stop() }
        let client = Self.client(fake, retry: RetryPolicy(attempts: 4, initialDelay: 0.01, maximumDelay: 2, timeout: 2))
        var faults = FakeTRS.Faults()
        faults.failNext = 2
        fake.faults = faults
        #expect(try client.find([Self.lookup(1_000_001)], today: Self.today).count == 1)
        #expect(client.counts.retries == 2)

        faults = FakeTRS.Faults()
        faults.failNext = 1
        faults.failStatus = 429
        faults.retryAfter = "1"
        fake.faults = faults
        let started = Date()
        #expect(try client.person(TRN(value: 1_000_001)!, today: Self.today) != .notFound)
        #expect(Date().timeIntervalSince(started) >= 0.9, "waited as Retry-After asked")
        #expect(client.counts.retries == 3)

        faults = FakeTRS.Faults()
        faults.dropNext = 1
        fake.faults = faults
        #expect(try client.find([Self.lookup(1_000_001)], today: Self.today).count == 1)
        #expect(client.counts.retries == 4)
    }

    @Test("TRS down: the request gives up after the policy's tries, as unavailable")
    func down() throws {
        let fake = try Self.server([Self.record(1_000_001)])
        defer { fake.stop() }
        var faults = FakeTRS.Faults()
        faults.down = true
        fake.faults = faults
        let client = Self.client(fake)
        #expect {
            try client.find([Self.lookup(1_000_001)], today: Self.today)
        } throws: { error in
            guard case TRSError.unavailable(let why) = error else { return false }
            return why.contains("503") && why.contains("after 3 tries")
        }
        #expect(fake.counts.statuses[503] == 3)
    }

    @Test("a stopped server and a slow one are unavailable too")
    func stoppedAndSlow() throws {
        let fake = try Self.server([Self.record(1_000_001)])
        var faults = FakeTRS.Faults()
        faults.delay = 0.6
        fake.faults = faults
        let slow = Self.client(fake, retry: RetryPolicy(attempts: 2, initialDelay: 0.01, maximumDelay: 0.01, timeout: 0.2))
        #expect(throws: TRSError.self) { try slow.person(TRN(value: 1_000_001)!, today: Self.today) }
        fake.stop()
        let client = Self.client(fake)
        #expect {
            try client.person(TRN(value: 1_000_001)!, today: Self.today)
        } throws: { error in
            if case TRSError.unavailable = error { true } else { false }
        }
    }

    @Test("a wrong key is refused at once, and no message carries the key")
    func wrongKey() throws {
        let fake = try Self.server([Self.record(1_000_001)])
        defer { fake.stop() }
        let client = Self.client(fake, key: "s3cret-wrong-key")
        do {
            _ = try client.find([Self.lookup(1_000_001)], today: Self.today)
            Issue.record("a wrong key was accepted")
        } catch {
            guard case .refused = error else {
                Issue.record("expected refused, got \(error)")
                return
            }
            #expect(!error.description.contains("s3cret"))
        }
        #expect(fake.counts.statuses[401] == 1, "not retried")
    }

    @Test("delivery: 204 delivered, a repeat changes nothing, older is superseded, 4xx failed, 5xx pending")
    func delivery() throws {
        let fake = try Self.server([Self.record(1_000_001), Self.record(1_000_002, qts: nil)])
        defer { fake.stop() }
        let client = Self.client(fake)
        let put = { (trn: String, modified: String) in
            try! client.setInduction(trn: trn, status: "Passed", startDate: "2024-09-01", completedDate: "2026-07-20",
                                modifiedOn: modified)
        }
        #expect(put("1000001", "2026-11-20T18:00:00.000Z") == .delivered)
        #expect(put("1000001", "2026-11-20T18:00:00.000Z") == .delivered)
        #expect(fake.counts.changes == 1)
        #expect(fake.delivered("1000001")?.completedDate == "2026-07-20")
        guard case .superseded = put("1000001", "2026-11-19T18:00:00.000Z") else {
            Issue.record("an older change was not superseded")
            return
        }
        guard case .failed(400, let answer) = put("1000002", "2026-11-20T18:00:00.000Z") else {
            Issue.record("no QTS should fail")
            return
        }
        #expect(answer.contains("QTS"))
        guard case .failed(404, _) = put("1000009", "2026-11-20T18:00:00.000Z") else {
            Issue.record("an unknown TRN should fail")
            return
        }
        var faults = FakeTRS.Faults()
        faults.down = true
        fake.faults = faults
        guard case .pending = put("1000001", "2026-11-21T18:00:00.000Z") else {
            Issue.record("TRS down should leave it pending")
            return
        }
        #expect(fake.counts.changes == 1)
    }

    @Test("an alert of the prohibition category counts until it has ended")
    func alerts() throws {
        func person(endDate: String?) throws -> TRSRecord {
            let end = endDate.map { "\"\($0)\"" } ?? "null"
            let json = """
                {"trn":"1000001","firstName":"A","middleName":"","lastName":"B","dateOfBirth":"1990-01-01",
                 "induction":{"status":"None","startDate":null,"completedDate":null},
                 "alerts":[{"alertType":{"alertCategory":{"alertCategoryId":"B2B19019-B165-47A3-8745-3297FF152581"}},
                            "startDate":"2020-01-01","endDate":\(end)}]}
                """
            return try JSONDecoder().decode(PersonJSON.self, from: Data(json.utf8)).record(today: Self.today)
        }
        #expect(try person(endDate: nil).prohibitedFromTeaching)
        #expect(try person(endDate: "2026-11-21").prohibitedFromTeaching)
        #expect(try !person(endDate: "2026-11-20").prohibitedFromTeaching)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(PersonJSON.self, from: Data(#"{"trn":"12","firstName":"A","lastName":"B","dateOfBirth":"1990-01-01"}"#.utf8))
                .record(today: Self.today)
        }
    }

    @Test("the retry policy: its test override, doubling delays with jitter, Retry-After as seconds or a date")
    func policy() throws {
        #expect(RetryPolicy(parsing: "3,10,50,2000") == RetryPolicy(attempts: 3, initialDelay: 0.01, maximumDelay: 0.05, timeout: 2))
        #expect(RetryPolicy(parsing: "3,10") == nil)
        #expect(RetryPolicy(parsing: "0,10,50,2000") == nil)
        let policy = RetryPolicy(attempts: 6, initialDelay: 1, maximumDelay: 8, timeout: 30)
        for attempt in 1...6 {
            let full = min(8, pow(2, Double(attempt - 1)))
            let delay = policy.delay(after: attempt, retryAfter: nil)
            #expect(delay >= full / 2 && delay <= full)
        }
        #expect(policy.delay(after: 1, retryAfter: 100) == 8, "capped")
        #expect(RetryPolicy.retryAfter("7") == 7)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let later = RetryPolicy.retryAfter("Mon, 21 Sep 2026 14:13:40 GMT", now: now)
        #expect(later.map { abs($0 - 20) < 1 } == true)
    }
}

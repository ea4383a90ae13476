import Domain
import Foundation

/// A stand-in for TRS API v3 on loopback, loaded from a TRS extract: the endpoints the
/// batch channel uses (`POST /v3/persons/find`, `GET /v3/persons/{trn}`,
/// `PUT /v3/persons/{trn}/cpd-induction`), their status codes, and faults to order.
///
/// Written from TRS's public contract, independently of the client: its JSON is built by
/// hand here, so a mistake in the client's models shows against it.
public final class FakeTRS: @unchecked Sendable {
    /// Faults the server plays, set at any time.
    public struct Faults: Sendable, Equatable {
        /// Every request is answered 503: TRS is down.
        public var down = false
        /// The next this-many requests are answered `failStatus` (a 503 storm, 429s).
        public var failNext = 0
        public var failStatus = 503
        /// Sent with the failures above, when set.
        public var retryAfter: String?
        /// The next this-many requests get their connection closed without an answer.
        public var dropNext = 0
        /// Every answer waits this long first (slow answers; timeouts when above the client's).
        public var delay: TimeInterval = 0
        /// Every this-many-th request is answered 503 (0: none), as a flaky service does.
        public var failEvery = 0

        public init() {}
    }

    /// What the server was asked.
    public struct Counts: Sendable, Equatable {
        public var find = 0
        public var person = 0
        public var put = 0
        /// Pairs asked for in all `find` requests.
        public var pairs = 0
        /// The most pairs in one `find` request.
        public var largestFind = 0
        /// PUTs that changed a record (a repeat of the same change is not one).
        public var changes = 0
        /// Answers by status code.
        public var statuses: [Int: Int] = [:]
        /// Requests answered with a fault.
        public var faulted = 0
    }

    /// The CPD induction TRS holds for a teacher after a PUT.
    public struct CpdInduction: Sendable, Equatable {
        public let status: String
        public let startDate: String?
        public let completedDate: String?
        public let modifiedOn: Date
    }

    public let key: String
    public var url: URL { URL(string: "http://127.0.0.1:\(server.port)")! }

    private let lock = NSLock()
    private var records: [Int: TRSRecord]
    private var faultsValue = Faults()
    private var countsValue = Counts()
    private var inductions: [Int: CpdInduction] = [:]
    private var requestNumber = 0
    private var server: HTTPServer!

    public init(records: [TRSRecord], key: String, port: UInt16 = 0) throws {
        self.records = Dictionary(records.map { ($0.trn.value, $0) }, uniquingKeysWith: { _, last in last })
        self.key = key
        server = try HTTPServer(port: port) { [unowned self] request in self.answer(request) }
    }

    public var faults: Faults {
        get { lock.withLock { faultsValue } }
        set { lock.withLock { faultsValue = newValue } }
    }

    public var counts: Counts { lock.withLock { countsValue } }

    public func resetCounts() { lock.withLock { countsValue = Counts() } }

    /// The CPD induction delivered for `trn`, if any.
    public func delivered(_ trn: String) -> CpdInduction? {
        lock.withLock { TRN(normalising: trn).flatMap { inductions[$0.value] } }
    }

    /// Every delivered induction, by TRN.
    public var deliveries: [String: CpdInduction] {
        lock.withLock { Dictionary(uniqueKeysWithValues: inductions.map { (TRN(value: $0.key)!.description, $0.value) }) }
    }

    /// Replaces or adds a record (as TRS changes between nights).
    public func put(_ record: TRSRecord) {
        lock.withLock { records[record.trn.value] = record }
    }

    /// Removes a record: TRS then answers 404 for it.
    public func remove(_ trn: String) {
        lock.withLock { if let trn = TRN(normalising: trn) { records[trn.value] = nil } }
    }

    /// Stops answering: connections are refused from now on.
    public func stop() { server.stop() }

    // MARK: Answers

    private func answer(_ request: HTTPServer.Request) -> HTTPServer.Reply {
        let (faults, number) = lock.withLock { () -> (Faults, Int) in
            requestNumber += 1
            return (faultsValue, requestNumber)
        }
        if faults.delay > 0 { Thread.sleep(forTimeInterval: faults.delay) }
        var reply: HTTPServer.Reply
        if let fault = fault(faults, number) {
            reply = fault
            lock.withLock { countsValue.faulted += 1 }
        } else {
            reply = .respond(route(request))
        }
        if case .respond(let response) = reply {
            lock.withLock { countsValue.statuses[response.status, default: 0] += 1 }
        }
        return reply
    }

    private func fault(_ faults: Faults, _ number: Int) -> HTTPServer.Reply? {
        let retryAfter = faults.retryAfter.map { ["Retry-After": $0] } ?? [:]
        if faults.down { return .respond(.init(status: 503, headers: retryAfter)) }
        let consumed: HTTPServer.Reply? = lock.withLock {
            if faultsValue.dropNext > 0 {
                faultsValue.dropNext -= 1
                return .drop
            }
            if faultsValue.failNext > 0 {
                faultsValue.failNext -= 1
                return .respond(.init(status: faults.failStatus, headers: retryAfter))
            }
            return nil
        }
        if let consumed { return consumed }
        if faults.failEvery > 0, number % faults.failEvery == 0 { return .respond(.init(status: 503)) }
        return nil
    }

    private func route(_ request: HTTPServer.Request) -> HTTPServer.Response {
        guard request.headers["authorization"] == "Bearer \(key)" else {
            return .json(401, ["title": "Unauthorized", "status": 401])
        }
        guard request.headers["x-api-version"] != nil else {
            return problem(400, "The X-Api-Version header is required.")
        }
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("POST", 3) where parts == ["v3", "persons", "find"]:
            return find(request)
        case ("GET", 3) where parts[0] == "v3" && parts[1] == "persons":
            return person(parts[2], request)
        case ("PUT", 4) where parts[0] == "v3" && parts[1] == "persons" && parts[3] == "cpd-induction":
            return setInduction(parts[2], request)
        default:
            return problem(404, "No such endpoint.")
        }
    }

    private func find(_ request: HTTPServer.Request) -> HTTPServer.Response {
        guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
              let persons = object["persons"] as? [[String: Any]] else {
            return problem(400, "The request body must be {\"persons\": [{\"trn\", \"dateOfBirth\"}]}.")
        }
        guard persons.count <= 500 else { return problem(400, "At most 500 persons may be given.") }
        var results: [(String, String)] = []
        lock.withLock {
            countsValue.find += 1
            countsValue.pairs += persons.count
            countsValue.largestFind = max(countsValue.largestFind, persons.count)
            for person in persons {
                guard let trn = (person["trn"] as? String).flatMap({ TRN(normalising: $0) }),
                      let dateOfBirth = (person["dateOfBirth"] as? String).flatMap({ Day(iso: $0) }),
                      let record = records[trn.value], record.recordStatus == .active,
                      record.dateOfBirth == dateOfBirth else { continue }
                results.append((record.trn.description, personJSON(record, withNINO: false)))
            }
        }
        results.sort { $0.0 < $1.0 }
        let body = "{\"total\":\(results.count),\"results\":[" + results.map(\.1).joined(separator: ",") + "]}"
        return .init(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    private func person(_ trnText: String, _ request: HTTPServer.Request) -> HTTPServer.Response {
        lock.withLock {
            countsValue.person += 1
            guard let trn = TRN(normalising: trnText), let record = records[trn.value] else {
                return problem(404, "Person not found.")
            }
            switch record.recordStatus {
            case .active: break
            case .deactivated: return problem(410, "The person record is deactivated.")
            case .merged(let into):
                guard let into else { return problem(410, "The person record was merged.") }
                return HTTPServer.Response(status: 308, headers: ["Location": "/v3/persons/\(into)"])
            }
            if let asked = request.query["dateOfBirth"], Day(iso: asked) != record.dateOfBirth {
                return problem(404, "Person not found.")
            }
            if let asked = request.query["nationalInsuranceNumber"],
               asked.uppercased().filter({ $0 != " " }) != record.nationalInsuranceNumber {
                return problem(404, "Person not found.")
            }
            return .init(status: 200, headers: ["Content-Type": "application/json"], body: Data(personJSON(record).utf8))
        }
    }

    private func setInduction(_ trnText: String, _ request: HTTPServer.Request) -> HTTPServer.Response {
        lock.withLock { countsValue.put += 1 }
        guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
              let status = body["status"] as? String, let modifiedText = body["modifiedOn"] as? String,
              let modifiedOn = Self.parseTime(modifiedText) else {
            return problem(400, "status and modifiedOn are required.")
        }
        let startDate = body["startDate"] as? String, completedDate = body["completedDate"] as? String
        guard ["RequiredToComplete", "InProgress", "Passed", "Failed"].contains(status) else {
            return problem(400, "Invalid induction status.")
        }
        let needsStart = status != "RequiredToComplete", needsCompleted = status == "Passed" || status == "Failed"
        guard (startDate != nil) == needsStart, startDate.map({ Day(iso: $0) != nil }) ?? true else {
            return problem(400, needsStart ? "Start date is required." : "Start date is not permitted.")
        }
        guard (completedDate != nil) == needsCompleted, completedDate.map({ Day(iso: $0) != nil }) ?? true else {
            return problem(400, needsCompleted ? "Completed date is required." : "Completed date is not permitted.")
        }
        return lock.withLock {
            guard let trn = TRN(normalising: trnText), let record = records[trn.value], record.recordStatus == .active else {
                return problem(404, "Person not found.")
            }
            guard record.qtsAwardDate != nil else { return problem(400, "The person does not have QTS.") }
            if let held = inductions[trn.value], modifiedOn < held.modifiedOn {
                return problem(409, "A more recent change to the person's induction has been made.")
            }
            let induction = CpdInduction(status: status, startDate: startDate, completedDate: completedDate,
                                         modifiedOn: modifiedOn)
            if inductions[trn.value] != induction {
                inductions[trn.value] = induction
                countsValue.changes += 1
                records[trn.value] = record.withInduction(status, startDate, completedDate)
            }
            return HTTPServer.Response(status: 204)
        }
    }

    /// A person as TRS's JSON, written by hand (JSONSerialization costs ~80 µs a person,
    /// which made the fake, not the client, what a benchmark measured).
    private func personJSON(_ record: TRSRecord, withNINO: Bool = true) -> String {
        func string(_ text: String?) -> String { text.map(Self.quoted) ?? "null" }
        var json = "{\"trn\":\(string(record.trn.description)),\"firstName\":\(string(record.firstName)),"
        json += "\"middleName\":\(string(record.middleName)),\"lastName\":\(string(record.lastName)),"
        json += "\"dateOfBirth\":\(string(record.dateOfBirth?.iso ?? "")),"
        if withNINO { json += "\"nationalInsuranceNumber\":\(string(record.nationalInsuranceNumber))," }
        json += "\"qts\":" + (record.qtsAwardDate.map { "{\"holdsFrom\":\"\($0.iso)\",\"routes\":[]}" } ?? "null") + ","
        json += "\"induction\":{\"status\":\"\(record.inductionStatus.rawValue)\",\"startDate\":\(string(record.inductionStartDate?.iso)),"
        json += "\"completedDate\":\(string(record.inductionCompletionDate?.iso)),\"exemptionReasons\":[]},"
        json += "\"alerts\":["
        if record.prohibitedFromTeaching {
            json += "{\"alertId\":\"00000000-0000-0000-0000-\(String(record.trn.value, radix: 16).leftPadded(12))\","
            json += "\"alertType\":{\"alertTypeId\":\"ed0cd700-3fb2-4db0-9403-ba57126090ed\","
            json += "\"name\":\"Prohibition by the Secretary of State\",\"alertCategory\":{"
            json += "\"alertCategoryId\":\"b2b19019-b165-47a3-8745-3297ff152581\",\"name\":\"Teacher misconduct\"}},"
            json += "\"details\":null,\"startDate\":\"2020-01-01\",\"endDate\":null}"
        }
        return json + "]}"
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func problem(_ status: Int, _ detail: String) -> HTTPServer.Response {
        .json(status, ["title": detail, "status": status])
    }

    static func parseTime(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}

extension TRSRecord {
    func withInduction(_ status: String, _ start: String?, _ completed: String?) -> TRSRecord {
        TRSRecord(trn: trn, firstName: firstName, middleName: middleName, lastName: lastName, dateOfBirth: dateOfBirth,
                  nationalInsuranceNumber: nationalInsuranceNumber, qtsAwardDate: qtsAwardDate,
                  inductionStatus: InductionStatus(rawValue: status) ?? inductionStatus,
                  inductionStartDate: start.flatMap { Day(iso: $0) },
                  inductionCompletionDate: completed.flatMap { Day(iso: $0) },
                  prohibitedFromTeaching: prohibitedFromTeaching, recordStatus: recordStatus)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

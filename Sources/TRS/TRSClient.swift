import Domain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why TRS could not be used. Never a submitter's problem (RULES.md §2).
public enum TRSError: Error, CustomStringConvertible, Sendable {
    /// No useful answer within the retry bound (`RetryPolicy`): down, overloaded, slow.
    case unavailable(String)
    /// TRS refused our key (401, 403): the key is wrong, expired, or lacks a role.
    case refused(String)
    /// An answer the API does not give (a body that is not its JSON, a status it does not use).
    case unexpected(String)
    /// This machine could not make a connection (too many open files, no memory): ours,
    /// and not TRS's either.
    case local(SystemError)

    public var description: String {
        switch self {
        case .unavailable(let why): "TRS is unreachable: \(why)"
        case .refused(let why): "TRS refused the API key: \(why); check TRS_API_KEY or --trs-api-key-file"
        case .unexpected(let why): "TRS answered unexpectedly: \(why)"
        case .local(let error): "\(error), so TRS could not be asked"
        }
    }
}

/// The Teaching Record System's API v3, as the batch channel uses it (SPEC.md §4).
///
/// Requests carry `Authorization: Bearer <key>` and `X-Api-Version`; the key is held here
/// and nowhere else, and no description, log line or error includes it. Every request is
/// retried by `RetryPolicy`. Safe to use from several threads at once.
public final class TRSClient: @unchecked Sendable {
    public static let apiVersion = "20260120"
    /// The alert category TRS files prohibitions from teaching under.
    public static let prohibitionCategory = "b2b19019-b165-47a3-8745-3297ff152581"
    /// The most pairs one `POST /v3/persons/find` may carry.
    public static let findLimit = 500

    public let baseURL: URL
    public let retry: RetryPolicy
    private let key: String
    private let http: HTTPExchange
    private let lock = NSLock()
    private var counters = Counters()

    /// What the client has done so far: for the run's log and the benchmark.
    public struct Counters: Sendable, Equatable {
        public var findRequests = 0
        public var personRequests = 0
        public var deliveryRequests = 0
        /// Tries beyond each request's first.
        public var retries = 0
        /// Time spent waiting for answers and between tries, summed over threads.
        public var waitingNanoseconds: UInt64 = 0

        public var requests: Int { findRequests + personRequests + deliveryRequests }

        public init() {}
    }

    /// Throws `.local` when this process cannot open the few files a connection needs.
    public init(baseURL: URL, key: String, retry: RetryPolicy = RetryPolicy(), connections: Int = 4) throws(TRSError) {
        self.baseURL = baseURL
        self.key = key
        self.retry = retry
        if let shortage = HTTPExchange.prepare() { throw .local(shortage) }
        http = HTTPExchange(timeout: retry.timeout, connections: connections)
    }

    /// The counts so far.
    public var counts: Counters { lock.withLock { counters } }

    // MARK: Find

    /// `POST /v3/persons/find` for up to `findLimit` pairs: the records whose date of
    /// birth matches, read as of `today`.
    public func find(_ lookups: [TRSLookup], today: Day) throws(TRSError) -> [TRSRecord] {
        precondition(lookups.count <= Self.findLimit)
        let body = FindRequest(persons: lookups.map { .init(trn: $0.trn.description, dateOfBirth: $0.dateOfBirth.iso) })
        let answer = try exchange("POST", "/v3/persons/find", body: try? JSONEncoder().encode(body), counting: \.findRequests)
        guard answer.status == 200 else { throw Self.unexpected(answer, "POST /v3/persons/find") }
        do {
            return try JSONDecoder().decode(FindResponse.self, from: answer.body).results.map { try $0.record(today: today) }
        } catch {
            throw .unexpected("POST /v3/persons/find: the answer is not the API's JSON (\(error))")
        }
    }

    // MARK: Person

    /// What a second look at one TRN finds.
    public enum Look: Sendable, Equatable {
        case record(TRSRecord)
        /// 404: no such TRN (or, asked with a NINO, none that matches it).
        case notFound
        /// 410: the record is deactivated.
        case deactivated
        /// 308: the record was merged into another, whose TRN `Location` names.
        case merged(into: TRN?)
    }

    /// `GET /v3/persons/{trn}?include=Induction,Alerts`, with `nationalInsuranceNumber=`
    /// when given (TRS then answers 404 unless the NINO matches its record or the
    /// teacher's workforce data).
    public func person(_ trn: TRN, nationalInsuranceNumber: String? = nil, today: Day) throws(TRSError) -> Look {
        var path = "/v3/persons/\(trn)?include=Induction,Alerts"
        if let nino = nationalInsuranceNumber { path += "&nationalInsuranceNumber=\(nino)" }
        let answer = try exchange("GET", path, body: nil, counting: \.personRequests)
        switch answer.status {
        case 200:
            do {
                return .record(try JSONDecoder().decode(PersonJSON.self, from: answer.body).record(today: today))
            } catch {
                throw .unexpected("GET /v3/persons/{trn}: the answer is not the API's JSON (\(error))")
            }
        case 404: return .notFound
        case 410: return .deactivated
        case 301, 302, 307, 308:
            let target = answer.headers["location"].flatMap { $0.split(separator: "/").last }
                .flatMap { TRN(normalising: $0.split(separator: "?").first ?? $0) }
            return .merged(into: target)
        default: throw Self.unexpected(answer, "GET /v3/persons/{trn}")
        }
    }

    // MARK: Delivery

    /// How TRS took an outcome.
    public enum Delivery: Sendable, Equatable {
        /// 204: TRS holds it.
        case delivered
        /// 409: TRS holds a newer change; its answer.
        case superseded(String)
        /// Another 4xx: TRS will not take it as it is; the status and its answer, for operations.
        case failed(status: Int, answer: String)
        /// No answer within the retry bound, or a 5xx: try again at the next delivery.
        case pending(String)
    }

    /// `PUT /v3/persons/{trn}/cpd-induction`. TRS treats a repeat with the same `modifiedOn`
    /// as the same change, so sending again after a kill changes nothing twice. Throws only
    /// what no later delivery would fix by itself: a refused key, a machine short of sockets.
    public func setInduction(trn: String, status: String, startDate: String?, completedDate: String?,
                             modifiedOn: String) throws(TRSError) -> Delivery {
        let body = CpdInduction(status: status, startDate: startDate, completedDate: completedDate, modifiedOn: modifiedOn)
        let answer: HTTPExchange.Answer
        do {
            answer = try exchange("PUT", "/v3/persons/\(trn)/cpd-induction", body: try? JSONEncoder().encode(body),
                                  counting: \.deliveryRequests)
        } catch {
            guard case .unavailable = error else { throw error }
            return .pending(error.description)
        }
        let text = String(decoding: answer.body.prefix(2_000), as: UTF8.self)
        switch answer.status {
        case 200, 204: return .delivered
        case 409: return .superseded(text)
        case 400..<500: return .failed(status: answer.status, answer: text)
        default: return .pending("HTTP \(answer.status)")
        }
    }

    // MARK: Exchange

    /// Sends one request, trying again on timeouts, dropped connections, 429 and 5xx.
    /// 401 and 403 are thrown as `.refused` at once; every other answer is returned.
    private func exchange(_ method: String, _ path: String, body: Data?,
                          counting counter: WritableKeyPath<Counters, Int>) throws(TRSError) -> HTTPExchange.Answer {
        guard let url = URL(string: baseURL.absoluteString.trimmingSuffix("/") + path) else {
            throw .unexpected("cannot make a URL of \(baseURL) and \(path)")
        }
        var request = URLRequest(url: url, timeoutInterval: retry.timeout)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue(Self.apiVersion, forHTTPHeaderField: "X-Api-Version")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        lock.withLock { counters[keyPath: counter] += 1 }
        let started = DispatchTime.now().uptimeNanoseconds
        defer {
            let waited = DispatchTime.now().uptimeNanoseconds - started
            lock.withLock { counters.waitingNanoseconds += waited }
        }
        var why = ""
        for attempt in 1...retry.attempts {
            var retryAfter: TimeInterval?
            switch http.send(request) {
            case .success(let answer):
                switch answer.status {
                case 401, 403:
                    throw .refused("HTTP \(answer.status) to \(method) \(Self.shape(path))")
                case 429, 500...599:
                    why = "HTTP \(answer.status) to \(method) \(Self.shape(path))"
                    retryAfter = RetryPolicy.retryAfter(answer.headers["retry-after"])
                default:
                    return answer
                }
            case .failure(let failure):
                // No socket to be had is this machine's fault, not TRS's: no retry helps.
                if let shortage = HTTPExchange.socketShortage(baseURL.host ?? "TRS") { throw .local(shortage) }
                why = "\(failure) (\(method) \(Self.shape(path)))"
            }
            guard attempt < retry.attempts else { break }
            lock.withLock { counters.retries += 1 }
            Thread.sleep(forTimeInterval: retry.delay(after: attempt, retryAfter: retryAfter))
        }
        throw .unavailable("\(why), after \(retry.attempts) tries")
    }

    /// A path as logs may show it: the query (which may hold a NINO) left out.
    static func shape(_ path: String) -> String {
        String(path.prefix { $0 != "?" })
    }

    private static func unexpected(_ answer: HTTPExchange.Answer, _ what: String) -> TRSError {
        .unexpected("HTTP \(answer.status) to \(what)")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

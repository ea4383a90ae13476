#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request and its answer, made synchronously: the run is a batch job and asks
/// TRS from its own threads. Redirects are never followed: TRS answers 308 for a merged
/// record, and the run must see that, not the record it points to.
final class HTTPExchange: @unchecked Sendable {
    struct Answer: Sendable {
        let status: Int
        /// Header names lower-cased.
        let headers: [String: String]
        let body: Data
    }

    /// A request that got no HTTP answer: refused or dropped connection, timeout, DNS.
    struct TransportFailure: Error, CustomStringConvertible {
        let description: String
    }

    private let session: URLSession

    init(timeout: TimeInterval, connections: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
        startEventLoop()
    }

    deinit { session.invalidateAndCancel() }

    /// Readies the process for URLSession, or says why it cannot be: libdispatch sets up
    /// its event loop (epoll, eventfd, timerfd) the first time URLSession needs it, and
    /// traps when no descriptor is left. Set up here, while a few are checked to be free,
    /// it never is later; and a process that has none is refused with `EMFILE` (ours,
    /// exit 73), never a crash.
    static func prepare() -> SystemError? {
        var spare: [Int32] = []
        defer { spare.forEach { close($0) } }
        for _ in 0..<6 {
            let fd = dup(2)
            guard fd >= 0 else { return .last(.open, "a spare file descriptor") }
            spare.append(fd)
        }
        return nil
    }

    /// The first transfer is what starts libdispatch's event loop: one to a port nothing
    /// listens on (refused at once, nothing leaves the machine), made while `prepare` has
    /// just seen descriptors free.
    private func startEventLoop() {
        Self.warm.withLock { started in
            guard !started else { return }
            started = true
            var request = URLRequest(url: URL(string: "http://127.0.0.1:0/")!, timeoutInterval: 2)
            request.httpMethod = "HEAD"
            _ = send(request)
        }
    }

    private static let warm = Mutex(false)

    /// When a request got no answer: whether this process can make a socket at all.
    static func socketShortage(_ host: String) -> SystemError? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd < 0 else {
            close(fd)
            return nil
        }
        let error = SystemError.last(.open, "a socket to \(host)")
        return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errno) ? error : nil
    }

    func send(_ request: URLRequest) -> Result<Answer, TransportFailure> {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Answer, TransportFailure> = .failure(TransportFailure(description: "no answer"))
        let task = session.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for case let (name as String, value as String) in response.allHeaderFields {
                    headers[name.lowercased()] = value
                }
                outcome = .success(Answer(status: response.statusCode, headers: headers, body: data ?? Data()))
            } else {
                // The error's text names the host and the failure, never the request's headers.
                let reason = (error as NSError?).map { ($0.userInfo[NSLocalizedDescriptionKey] as? String) ?? "error \($0.code)" }
                outcome = .failure(TransportFailure(description: reason ?? "no HTTP answer"))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return outcome
    }
}

private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

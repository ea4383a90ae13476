import Foundation
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
    }

    deinit { session.invalidateAndCancel() }

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

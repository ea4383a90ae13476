#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A minimal HTTP/1.1 server on loopback, enough for a test double: one thread per
/// connection, keep-alive, `Content-Length` bodies (no chunked requests), no TLS.
final class HTTPServer: @unchecked Sendable {
    struct Request {
        let method: String
        /// The path without the query.
        let path: String
        let query: [String: String]
        /// Names lower-cased.
        let headers: [String: String]
        let body: Data
    }

    struct Response {
        var status: Int
        var headers: [String: String] = [:]
        var body: Data = Data()

        static func json(_ status: Int, _ object: Any) -> Response {
            let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return Response(status: status, headers: ["Content-Type": "application/json"], body: body)
        }
    }

    /// What to do with a request: answer it, or drop the connection without a word.
    enum Reply {
        case respond(Response)
        case drop
    }

    let port: UInt16
    private let listener: Int32
    private let handle: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var connections: Set<Int32> = []
    private var stopped = false

    /// Listens on 127.0.0.1:`port` (0: any free port, see `port`).
    init(port: UInt16 = 0, handle: @escaping @Sendable (Request) -> Reply) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        listener = fd
        self.handle = handle
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "fake-trs-accept"
        thread.start()
    }

    /// Stops listening and ends every open connection: clients then find the server down.
    ///
    /// Descriptors are only shut down here, never closed: each is closed by the thread
    /// that uses it, once it is done, so that no number is reused by another socket (of
    /// another server in the same process) while a thread of this one may still use it.
    func stop() {
        lock.withLock {
            guard !stopped else { return }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR && !lock.withLock({ stopped }) { continue }
                return
            }
            let accepted = lock.withLock {
                guard !stopped else { return false }
                connections.insert(fd)
                return true
            }
            guard accepted else {
                close(fd)
                return
            }
            let thread = Thread { [self] in
                serve(fd)
                lock.withLock {
                    connections.remove(fd)
                    close(fd)
                }
            }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var buffer = [UInt8]()
        while let request = readRequest(fd, &buffer) {
            switch handle(request) {
            case .drop:
                return
            case .respond(let response):
                guard write(response, to: fd) else { return }
                if request.headers["connection"]?.lowercased() == "close" { return }
            }
        }
    }

    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> Request? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while true {
            if let end = buffer.firstRange(of: separator) {
                headerEnd = end.upperBound
                break
            }
            guard buffer.count < 1 << 16, receive(fd, &buffer) else { return nil }
        }
        guard let headerEnd else { return nil }
        let head = String(decoding: buffer[..<(headerEnd - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < headerEnd + length {
            guard receive(fd, &buffer) else { return nil }
        }
        let body = Data(buffer[headerEnd..<(headerEnd + length)])
        buffer.removeFirst(headerEnd + length)
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                let value = kv.count == 2 ? String(kv[1]).removingPercentEncoding ?? String(kv[1]) : ""
                query[String(kv[0])] = value
            }
        }
        return Request(method: String(requestLine[0]), path: String(parts.first ?? ""), query: query,
                       headers: headers, body: body)
    }

    private func receive(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private func write(_ response: Response, to fd: Int32) -> Bool {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        var headers = response.headers
        headers["Content-Length"] = String(response.body.count)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: response.body)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 409: "Conflict"
        case 410: "Gone"
        case 429: "Too Many Requests"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

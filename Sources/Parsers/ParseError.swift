import Domain

/// A problem that stops a file from being read any further: the file is refused as a
/// whole, with this code, message and position.
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String
    /// The 1-based line where the problem is, when known.
    public let line: Int?

    public init(_ code: ErrorCode, _ message: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    /// The problem as a result file reports it (the line is part of the message).
    public var problem: Problem {
        Problem(code, line.map { "Line \($0): \(message)" } ?? message)
    }

    public var description: String { problem.description }
}

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

/// Why a file could not be read further: its content (the submitter's to fix) or the
/// machine (ours). Callers decide whose fault it is from the case, never from a message.
public enum ReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not a readable submission: refuse the file with this problem.
    case content(ParseError)
    /// Opening or reading the file failed: an operational failure, the file is not to blame.
    case system(SystemError)

    public var description: String {
        switch self {
        case .content(let error): error.description
        case .system(let error): error.description
        }
    }

    /// The content problem, or `nil` for a system failure.
    public var content: ParseError? {
        if case .content(let error) = self { error } else { nil }
    }
}

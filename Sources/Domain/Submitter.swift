/// Who sends a file. The inbox folder names the kind; the channel that writes there has
/// already authenticated the submitter.
public enum SubmitterKind: String, CaseIterable, Sendable, Comparable {
    case schools
    case trusts
    case appropriateBodies = "appropriate-bodies"

    /// Processing order: schools, then trusts, then appropriate bodies.
    public var order: Int {
        switch self {
        case .schools: 0
        case .trusts: 1
        case .appropriateBodies: 2
        }
    }

    public static func < (lhs: SubmitterKind, rhs: SubmitterKind) -> Bool { lhs.order < rhs.order }

    /// The submission kinds this kind of submitter may send (see `SubmissionKind.Template`).
    public var allowedKinds: [SubmissionKind] {
        SubmissionKind.allCases.filter { $0.template.senders.contains(self) }
    }

    /// A singular noun for messages ("school", "trust", "appropriate body").
    public var noun: String {
        switch self {
        case .schools: "school"
        case .trusts: "trust"
        case .appropriateBodies: "appropriate body"
        }
    }
}

/// A submitter: its kind and its identifier (URN, trust UID or AB id).
public struct Submitter: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: SubmitterKind
    public let id: String

    public init(kind: SubmitterKind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// Parses `KIND:ID`, for example `appropriate-bodies:AB001`.
    public init?(argument: String) {
        guard let colon = argument.firstIndex(of: ":"),
              let kind = SubmitterKind(rawValue: String(argument[..<colon])) else { return nil }
        let id = String(argument[argument.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.init(kind: kind, id: id)
    }

    public static func < (lhs: Submitter, rhs: Submitter) -> Bool {
        (lhs.kind.order, lhs.id) < (rhs.kind.order, rhs.id)
    }

    public var description: String { "\(kind.rawValue):\(id)" }
}

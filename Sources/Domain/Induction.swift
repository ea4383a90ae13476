/// How an ECT's induction is delivered.
public enum Programme: String, Sendable, CaseIterable {
    case providerLed = "provider-led"
    case schoolLed = "school-led"

    /// Case-insensitive, hyphens or underscores; legacy `fip` (provider-led), `cip` and
    /// `diy` (school-led) too.
    public init?(submitted text: some StringProtocol) {
        switch Field.normalise(text, separator: UInt8(ascii: "-")) {
        case "provider-led", "fip": self = .providerLed
        case "school-led", "cip", "diy": self = .schoolLed
        default: return nil
        }
    }
}

/// How many hours an ECT works.
public enum WorkingPattern: String, Sendable, CaseIterable {
    case fullTime = "full-time"
    case partTime = "part-time"

    public init?(submitted text: some StringProtocol) {
        self.init(rawValue: Field.normalise(text, separator: UInt8(ascii: "-")))
    }
}

/// What a teacher is at a school.
public enum SchoolRole: String, Sendable, CaseIterable {
    case ect
    case mentor
}

/// A registration of a teacher at a school, as an ECT or a mentor.
public struct SchoolRegistration: Hashable, Sendable {
    public let id: Int64
    public let role: SchoolRole
    public let schoolURN: String
    public let start: Day
    public let end: Day?
    public let email: String

    public init(id: Int64, role: SchoolRole, schoolURN: String, start: Day, end: Day? = nil, email: String) {
        self.id = id
        self.role = role
        self.schoolURN = schoolURN
        self.start = start
        self.end = end
        self.email = email
    }

    /// Not left by `day`: no end, or an end on or after it.
    public func isCurrent(on day: Day) -> Bool { end.map { $0 >= day } ?? true }
}

/// What ended an induction period.
public enum Outcome: String, Sendable, CaseIterable {
    case pass
    case fail
    case release

    public init?(submitted text: some StringProtocol) {
        self.init(rawValue: Field.normalise(text))
    }
}

/// A period of induction with one appropriate body.
public struct InductionPeriod: Hashable, Sendable {
    public let id: Int64
    public let appropriateBodyID: String
    public let start: Day
    public let end: Day?
    public let programme: Programme
    public let terms: Terms?
    /// Pass or fail; `nil` for an open period or a release.
    public let outcome: Outcome?

    public init(id: Int64, appropriateBodyID: String, start: Day, end: Day? = nil, programme: Programme,
                terms: Terms? = nil, outcome: Outcome? = nil) {
        self.id = id
        self.appropriateBodyID = appropriateBodyID
        self.start = start
        self.end = end
        self.programme = programme
        self.terms = terms
        self.outcome = outcome
    }

    public var isOpen: Bool { end == nil }
}

/// An extension of a teacher's induction.
public struct Extension: Hashable, Sendable {
    public let id: Int64
    public let terms: Terms

    public init(id: Int64, terms: Terms) {
        self.id = id
        self.terms = terms
    }
}

/// What the store knows of one teacher's induction: what the rules need to decide.
public struct InductionHistory: Hashable, Sendable {
    /// Whether the teacher is in the store at all.
    public var isKnown: Bool
    /// Induction periods, oldest first.
    public var periods: [InductionPeriod]
    public var extensions: [Extension]
    /// ECT and mentor registrations at schools, oldest first.
    public var registrations: [SchoolRegistration]

    public init(isKnown: Bool = false, periods: [InductionPeriod] = [], extensions: [Extension] = [],
                registrations: [SchoolRegistration] = []) {
        self.isKnown = isKnown
        self.periods = periods
        self.extensions = extensions
        self.registrations = registrations
    }

    public static let unknown = InductionHistory()

    public var openPeriod: InductionPeriod? { periods.last(where: \.isOpen) }

    /// The pass or fail recorded, if any.
    public var outcome: Outcome? { periods.lazy.compactMap(\.outcome).first }
}

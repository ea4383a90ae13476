/// A teacher's record in the Teaching Record System, as read from the extract.
///
/// Date of birth and national insurance number live in memory only, to match rows;
/// they are never written anywhere.
public struct TRSRecord: Hashable, Sendable {
    public enum InductionStatus: String, Sendable, CaseIterable {
        case none = "None"
        case requiredToComplete = "RequiredToComplete"
        case exempt = "Exempt"
        case inProgress = "InProgress"
        case passed = "Passed"
        case failed = "Failed"
        case failedInWales = "FailedInWales"
    }

    public enum RecordStatus: Hashable, Sendable {
        case active
        case deactivated
        case merged(into: TRN?)
    }

    public let trn: TRN
    public let firstName: String
    public let middleName: String
    public let lastName: String
    public let dateOfBirth: Day?
    public let nationalInsuranceNumber: String?
    public let qtsAwardDate: Day?
    public let inductionStatus: InductionStatus
    public let inductionStartDate: Day?
    public let inductionCompletionDate: Day?
    public let prohibitedFromTeaching: Bool
    public let recordStatus: RecordStatus

    public init(trn: TRN, firstName: String, middleName: String = "", lastName: String, dateOfBirth: Day?,
                nationalInsuranceNumber: String? = nil, qtsAwardDate: Day?, inductionStatus: InductionStatus = .none,
                inductionStartDate: Day? = nil, inductionCompletionDate: Day? = nil,
                prohibitedFromTeaching: Bool = false, recordStatus: RecordStatus = .active) {
        self.trn = trn
        self.firstName = firstName
        self.middleName = middleName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
        self.nationalInsuranceNumber = nationalInsuranceNumber
        self.qtsAwardDate = qtsAwardDate
        self.inductionStatus = inductionStatus
        self.inductionStartDate = inductionStartDate
        self.inductionCompletionDate = inductionCompletionDate
        self.prohibitedFromTeaching = prohibitedFromTeaching
        self.recordStatus = recordStatus
    }

    /// First and last name, as kept in the store.
    public var name: (first: String, last: String) { (firstName, lastName) }
}

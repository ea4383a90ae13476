/// A column of a submission, known by its CSV header, its JSON key and the name its
/// error codes use.
public enum Field: Int, CaseIterable, Sendable {
    case trn
    case dateOfBirth
    case inductionProgramme
    case inductionStartDate
    case inductionEndDate
    case numberOfTerms
    case outcome
    case failConfirmationDate
    case extensionID
    case nationalInsuranceNumber
    case name
    case email
    case schoolStartDate
    case schoolURN
    case workingPattern
    case appropriateBody
    case trainingProgramme
    case leadProvider
    case mentorStartDate

    /// The header of DfE's templates.
    public var header: String {
        switch self {
        case .trn: "TRN"
        case .dateOfBirth: "Date of birth"
        case .inductionProgramme: "Induction programme"
        case .inductionStartDate: "Induction period start date"
        case .inductionEndDate: "Induction period end date"
        case .numberOfTerms: "Number of terms"
        case .outcome: "Outcome"
        case .failConfirmationDate: "Fail confirmation sent on"
        case .extensionID: "Extension ID"
        case .nationalInsuranceNumber: "National insurance number"
        case .name: "Name"
        case .email: "Email"
        case .schoolStartDate: "School start date"
        case .schoolURN: "School URN"
        case .workingPattern: "Working pattern"
        case .appropriateBody: "Appropriate body"
        case .trainingProgramme: "Training programme"
        case .leadProvider: "Lead provider"
        case .mentorStartDate: "Mentor start date"
        }
    }

    /// The snake_case key used in JSON, NDJSON and XML.
    public var key: String { Field.keys[self] ?? "" }

    private static let keys = Dictionary(uniqueKeysWithValues: allCases.map {
        ($0, normalise($0.header, separator: UInt8(ascii: "_")))
    })

    /// The name used in error codes (`trn`, `dob`, `start-date`, ...).
    public var codeName: String {
        switch self {
        case .trn: "trn"
        case .dateOfBirth: "dob"
        case .inductionProgramme: "programme"
        case .inductionStartDate: "start-date"
        case .inductionEndDate: "end-date"
        case .numberOfTerms: "terms"
        case .outcome: "outcome"
        case .failConfirmationDate: "fail-confirmation-date"
        case .extensionID: "extension-id"
        case .nationalInsuranceNumber: "nino"
        case .name: "name"
        case .email: "email"
        case .schoolStartDate: "school-start-date"
        case .schoolURN: "urn"
        case .workingPattern: "working-pattern"
        case .appropriateBody: "appropriate-body"
        case .trainingProgramme: "training-programme"
        case .leadProvider: "lead-provider"
        case .mentorStartDate: "mentor-start-date"
        }
    }

    /// Personal data that is used to match a record and then forgotten: blanked in
    /// result files and the archive, never stored.
    public var isPersonal: Bool { self == .dateOfBirth || self == .nationalInsuranceNumber }

    /// Whether the field holds a date that is not personal (the dates of an induction or
    /// a registration).
    public var isEventDate: Bool {
        switch self {
        case .inductionStartDate, .inductionEndDate, .failConfirmationDate, .schoolStartDate, .mentorStartDate: true
        default: false
        }
    }

    /// The field a header or key names, matched case-insensitively, ignoring surrounding
    /// spaces and treating `_` like a space, so `date_of_birth` and ` Date of Birth ` agree.
    public init?(header: some StringProtocol) {
        guard let field = Field.byNormalisedName[Field.normalise(header)] else { return nil }
        self = field
    }

    /// Headers that our own result files add; ignored on input so that a corrected
    /// result file can be uploaded again.
    public static func isResultColumn(_ header: some StringProtocol) -> Bool {
        resultColumns.contains(normalise(header))
    }

    private static let resultColumns: Set<String> = ["status", "errors", "warnings", "error message"]

    private static let byNormalisedName: [String: Field] = {
        var table: [String: Field] = [:]
        for field in Field.allCases { table[normalise(field.header)] = field }
        table["extension id"] = .extensionID
        table["urn"] = .schoolURN
        table["nino"] = .nationalInsuranceNumber
        table["dob"] = .dateOfBirth
        return table
    }()

    /// Lower case, trimmed, `_` and runs of spaces folded to one `separator`.
    public static func normalise(_ header: some StringProtocol, separator: UInt8 = UInt8(ascii: " ")) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(header.utf8.count)
        var pendingSpace = false
        for byte in header.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "_"), UInt8(ascii: "\t"):
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace { out.append(separator); pendingSpace = false }
                out.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}


/// A stable code naming one problem. Codes are the contract with submitters, reports and
/// tests: new ones may be added, none is ever renamed.
public struct ErrorCode: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: ErrorCode, rhs: ErrorCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `<field>.<suffix>`, for the per-field format codes.
    public static func field(_ field: Field, _ suffix: String) -> ErrorCode {
        ErrorCode(rawValue: "\(field.codeName).\(suffix)")
    }
}

/// One problem with a row or a file: a stable code and a message telling the submitter
/// how to fix it.
public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, as in the `Errors` cell of a CSV result.
    public var description: String { "\(code.rawValue): \(message)" }
}

extension ErrorCode {
    // Shared field codes.
    public static let trnMissing: ErrorCode = "trn.missing"
    public static let trnFormat: ErrorCode = "trn.format"
    public static let trnDuplicateInFile: ErrorCode = "trn.duplicate-in-file"
    public static let dobAge: ErrorCode = "dob.age"
    public static let ninoFormat: ErrorCode = "nino.format"
    public static let programmeInvalid: ErrorCode = "programme.invalid"
    public static let outcomeInvalid: ErrorCode = "outcome.invalid"
    public static let startDateFuture: ErrorCode = "start-date.future"
    public static let startDateBeforeRollout: ErrorCode = "start-date.before-rollout"
    public static let endDateFuture: ErrorCode = "end-date.future"
    public static let termsRange: ErrorCode = "terms.range"
    public static let failConfirmationInvalid: ErrorCode = "fail-confirmation-date.invalid"
    public static let extensionIDFormat: ErrorCode = "extension-id.format"

    public static let emailFormat: ErrorCode = "email.format"
    public static let nameFormat: ErrorCode = "name.format"
    public static let urnFormat: ErrorCode = "urn.format"
    public static let urnNotYours: ErrorCode = "urn.not-yours"
    public static let urnUnknown: ErrorCode = "urn.unknown"
    public static let workingPatternInvalid: ErrorCode = "working-pattern.invalid"
    public static let appropriateBodyUnknown: ErrorCode = "appropriate-body.unknown"
    public static let trainingProgrammeInvalid: ErrorCode = "training-programme.invalid"
    public static let leadProviderMissing: ErrorCode = "lead-provider.missing"
    public static let leadProviderUnknown: ErrorCode = "lead-provider.unknown"

    // Identity against TRS.
    public static let trsNotFound: ErrorCode = "trs.not-found"
    public static let trsMismatch: ErrorCode = "trs.mismatch"

    // Eligibility and state.
    public static let teacherProhibited: ErrorCode = "teacher.prohibited"
    public static let inductionPassed: ErrorCode = "induction.passed"
    public static let inductionFailed: ErrorCode = "induction.failed"
    public static let inductionExempt: ErrorCode = "induction.exempt"
    public static let qtsMissing: ErrorCode = "qts.missing"
    public static let startDateBeforeQTS: ErrorCode = "start-date.before-qts"
    public static let claimedByOtherAB: ErrorCode = "induction.claimed-by-other-ab"
    public static let alreadyClaimed: ErrorCode = "induction.already-claimed"
    public static let startDateOverlap: ErrorCode = "start-date.overlap"
    public static let notClaimed: ErrorCode = "induction.not-claimed"
    public static let noOpenPeriod: ErrorCode = "induction.no-open-period"
    public static let otherAB: ErrorCode = "induction.other-ab"
    public static let endDateBeforeStart: ErrorCode = "end-date.before-start"
    public static let extensionIDUnknown: ErrorCode = "extension-id.unknown"
    public static let ectIsMentor: ErrorCode = "ect.is-mentor"
    public static let ectAlreadyRegistered: ErrorCode = "ect.already-registered"
    public static let emailInUse: ErrorCode = "email.in-use"
    public static let mentorAlreadyRegistered: ErrorCode = "mentor.already-registered"

    // Warnings: the row is accepted, and the warning is shown and counted.
    public static let nameDiffersFromTRS: ErrorCode = "name.differs-from-trs"

    // Whole-file codes.
    public static let fileEmpty: ErrorCode = "file.empty"
    public static let fileUnknownKind: ErrorCode = "file.unknown-kind"
    public static let fileKindNotAllowed: ErrorCode = "file.kind-not-allowed"
    public static let fileEncoding: ErrorCode = "file.encoding"
    public static let fileBinary: ErrorCode = "file.binary"
    public static let fileUnreadable: ErrorCode = "file.unreadable"
    public static let submitterUnknown: ErrorCode = "submitter.unknown"
    public static let csvUnterminatedQuote: ErrorCode = "csv.unterminated-quote"
    public static let csvBadQuote: ErrorCode = "csv.stray-quote"
    public static let csvTooManyCells: ErrorCode = "csv.too-many-cells"
    public static let csvDuplicateColumn: ErrorCode = "csv.duplicate-column"
    public static let jsonInvalid: ErrorCode = "json.invalid"
    public static let jsonNotRecord: ErrorCode = "json.not-an-object"
    public static let jsonKindUnknown: ErrorCode = "json.unknown-kind"
    public static let lineTooLong: ErrorCode = "file.line-too-long"
    public static let fileTooLarge: ErrorCode = "file.too-large"
    public static let xmlInvalid: ErrorCode = "xml.invalid"
    public static let xmlDoctype: ErrorCode = "xml.doctype-not-allowed"
    public static let xlsxInvalid: ErrorCode = "xlsx.invalid"
    public static let xlsxTooLarge: ErrorCode = "xlsx.too-large"
}

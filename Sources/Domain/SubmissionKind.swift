/// What a file asks for. Recognised from the CSV header row or the `kind` field.
public enum SubmissionKind: String, CaseIterable, Sendable {
    case claims
    case actions
    case extensions
    case registrations
    case mentors

    /// Columns a file of this kind must have.
    public var requiredFields: [Field] {
        switch self {
        case .claims: [.trn, .dateOfBirth, .inductionProgramme, .inductionStartDate]
        case .actions: [.trn, .dateOfBirth, .inductionEndDate, .numberOfTerms, .outcome]
        case .extensions: [.trn, .dateOfBirth, .numberOfTerms]
        case .registrations: [.trn, .dateOfBirth, .email, .schoolStartDate]
        case .mentors: [.trn, .dateOfBirth, .email, .mentorStartDate]
        }
    }

    /// Columns a file of this kind may have.
    public var optionalFields: [Field] {
        switch self {
        case .claims: []
        case .actions: [.failConfirmationDate]
        case .extensions: [.extensionID]
        case .registrations:
            [.nationalInsuranceNumber, .name, .schoolURN, .workingPattern, .appropriateBody,
             .trainingProgramme, .leadProvider]
        case .mentors: [.nationalInsuranceNumber, .name, .schoolURN]
        }
    }

    public var fields: [Field] { requiredFields + optionalFields }

    /// The kind whose template these fields fit best: every required column present, and
    /// of those the one with the most required columns (an actions file also has every
    /// column an extensions file needs). `nil` when no template's columns are all there.
    public static func detect(from fields: Set<Field>) -> SubmissionKind? {
        allCases
            .filter { kind in kind.requiredFields.allSatisfy(fields.contains) }
            .max { $0.requiredFields.count < $1.requiredFields.count }
    }

    /// The template closest to these fields, for explaining what is missing.
    public static func closest(to fields: Set<Field>) -> SubmissionKind {
        allCases.max { a, b in
            a.requiredFields.filter(fields.contains).count < b.requiredFields.filter(fields.contains).count
        } ?? .claims
    }
}

/// How a file is written.
public enum FileFormat: String, Sendable, CaseIterable {
    case csv
    case json
    case ndjson
    case xml

    /// The format of the result file written back: XML submitters get CSV.
    public var resultFormat: FileFormat { self == .xml ? .csv : self }
}

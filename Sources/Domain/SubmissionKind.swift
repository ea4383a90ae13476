/// What a file asks for. Recognised from the CSV header row or the `kind` field.
///
/// Everything that makes a kind what it is lives in its `template`, one entry per kind:
/// its columns, who may send it, and what its result carries back. Its rules are the
/// Rules module's `RowValidator` entry for it. The store keeps a kind by its raw value
/// and checks nothing else about it.
public enum SubmissionKind: String, CaseIterable, Sendable {
    case claims
    case actions
    case extensions
    case registrations
    case mentors

    /// A kind's definition.
    public struct Template: Sendable {
        /// Columns a file of this kind must have.
        public let required: [Field]
        /// Columns it may have.
        public let optional: [Field]
        /// Who may send it.
        public let senders: Set<SubmitterKind>
        /// A field an accepted row's result carries back (a new extension's ID), if any.
        public let returns: Field?
    }

    public var template: Template {
        switch self {
        case .claims:
            Template(required: [.trn, .dateOfBirth, .inductionProgramme, .inductionStartDate], optional: [],
                     senders: [.appropriateBodies], returns: nil)
        case .actions:
            Template(required: [.trn, .dateOfBirth, .inductionEndDate, .numberOfTerms, .outcome],
                     optional: [.failConfirmationDate], senders: [.appropriateBodies], returns: nil)
        case .extensions:
            Template(required: [.trn, .dateOfBirth, .numberOfTerms], optional: [.extensionID],
                     senders: [.appropriateBodies], returns: .extensionID)
        case .registrations:
            Template(required: [.trn, .dateOfBirth, .email, .schoolStartDate],
                     optional: [.nationalInsuranceNumber, .name, .schoolURN, .workingPattern, .appropriateBody,
                                .trainingProgramme, .leadProvider],
                     senders: [.schools, .trusts], returns: nil)
        case .mentors:
            Template(required: [.trn, .dateOfBirth, .email, .mentorStartDate],
                     optional: [.nationalInsuranceNumber, .name, .schoolURN], senders: [.schools, .trusts], returns: nil)
        }
    }

    /// Columns a file of this kind must have.
    public var requiredFields: [Field] { template.required }

    /// Columns a file of this kind may have.
    public var optionalFields: [Field] { template.optional }

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
    /// An Excel workbook (Office Open XML): its first worksheet.
    case xlsx

    /// The format of the result file written back: XML submitters get CSV, a workbook
    /// gets a workbook.
    public var resultFormat: FileFormat { self == .xml ? .csv : self }

    /// The format the input is archived in: XML and workbooks as CSV, which can have
    /// their personal columns blanked row by row.
    public var archiveFormat: FileFormat { self == .xml || self == .xlsx ? .csv : self }
}

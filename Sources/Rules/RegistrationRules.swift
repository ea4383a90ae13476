import Domain

/// What a registration or mentor row holds, read and checked (RULES.md §6, §6b).
struct RegistrationFields {
    let schoolURN: String
    let start: Day
    let email: String
    let name: String?
    let workingPattern: WorkingPattern?
    let appropriateBodyID: String?
    let trainingProgramme: Programme?
    let leadProviderID: String?

    /// The fields ECT and mentor registrations share, as read so far.
    struct Shared {
        let urn: String?
        let start: Day?
        let email: String?
        let name: String?

        /// The row's fields, when every one read so far is good.
        func complete(_ checks: FormatChecks, workingPattern: WorkingPattern? = nil, appropriateBodyID: String? = nil,
                      trainingProgramme: Programme? = nil, leadProviderID: String? = nil) -> RegistrationFields? {
            guard let urn, let start, let email, checks.problems.isEmpty else { return nil }
            return RegistrationFields(schoolURN: urn, start: start, email: email, name: name, workingPattern: workingPattern,
                                      appropriateBodyID: appropriateBodyID, trainingProgramme: trainingProgramme,
                                      leadProviderID: leadProviderID)
        }
    }

    /// Reads the fields shared by ECT and mentor registrations; `startField` is the
    /// school or mentor start date.
    static func read(_ checks: inout FormatChecks, context: RuleContext, startField: Field) -> Shared {
        let name = checks.name()
        let email = checks.email()
        let start = checks.date(startField)
        if let start {
            let window = RegistrationFields.startWindow(today: context.today)
            if !window.contains(start) {
                checks.report(.field(startField, "out-of-range"), "The \(startField.label) \(start.iso) is outside the dates that can be registered now: from \(window.lowerBound.iso) to \(window.upperBound.iso).")
            }
        }
        let urn = checks.schoolURN(context: context)
        return Shared(urn: urn, start: start, email: email, name: name)
    }

    /// `email.in-use` when another teacher's current registration has this email.
    func emailInUse(by trn: TRN, context: RuleContext) throws -> Problem? {
        guard try context.state.isEmailInUse(email, byOtherThan: trn, on: context.today) else { return nil }
        return Problem(.emailInUse, "The email \(email) is used by another teacher's current registration. Enter this teacher's own email.")
    }

    /// From 1 June of the contract year two before the current one (contract years run
    /// 1 June to 31 May) to four calendar months after today.
    static func startWindow(today: Day) -> ClosedRange<Day> {
        let (year, month, _) = today.components
        let currentContractYear = month >= 6 ? year : year - 1
        return Day(year: currentContractYear - 2, month: 6, day: 1)!...today.adding(months: 4)
    }
}

/// A school or trust registers an ECT (RULES.md §6).
enum ECTRegistrationRules: OperationRules {
    static func read(_ checks: inout FormatChecks, context: RuleContext) -> RegistrationFields? {
        let shared = RegistrationFields.read(&checks, context: context, startField: .schoolStartDate)
        var pattern: WorkingPattern?
        if let text = checks.row[.workingPattern] {
            pattern = WorkingPattern(submitted: text)
            if pattern == nil {
                checks.report(.workingPatternInvalid, "The working pattern \"\(text.prefix(40))\" is not recognised. Enter full-time or part-time, or leave it empty.")
            }
        }
        var bodyID: String?
        if let text = checks.row[.appropriateBody] {
            bodyID = (context.reference.appropriateBody(id: text) ?? context.reference.appropriateBody(named: text))?.id
            if bodyID == nil {
                checks.report(.appropriateBodyUnknown, "The appropriate body \"\(text.prefix(80))\" is not one we know. Enter its exact name or ID, or leave it empty.")
            }
        }
        var programme: Programme?
        var providerID: String?
        if let text = checks.row[.trainingProgramme] {
            programme = Programme(submitted: text)
            if programme == nil {
                checks.report(.trainingProgrammeInvalid, "The training programme \"\(text.prefix(40))\" is not recognised. Enter provider-led or school-led, or leave it empty.")
            }
        }
        if let text = checks.row[.leadProvider] {
            providerID = context.reference.leadProvider(idOrName: text)?.id
            if providerID == nil {
                checks.report(.leadProviderUnknown, "The lead provider \"\(text.prefix(80))\" is not one we know. Enter its exact name or ID.")
            }
        } else if programme == .providerLed {
            checks.report(.leadProviderMissing, "Provider-led training needs a lead provider. Enter the lead provider's name, or choose school-led.")
        }
        return shared.complete(checks, workingPattern: pattern, appropriateBodyID: bodyID, trainingProgramme: programme,
                               leadProviderID: providerID)
    }

    static func decide(_ fields: RegistrationFields, trn: TRN, record: TRSRecord, context: RuleContext) throws -> Verdict {
        if let problem = record.prohibition { return .rejected(problem) }
        let history = try context.state.history(of: trn)
        if let problem = history.outcomeBlock ?? record.inductionBlock(trn: trn) { return .rejected(problem) }
        if record.inductionStatus == .exempt {
            return .rejected(Problem(.inductionExempt, "The Teaching Record System records that this teacher is exempt from induction, so they cannot be registered as an ECT."))
        }
        if history.registrations.contains(where: { $0.role == .mentor }) {
            return .rejected(Problem(.ectIsMentor, "This teacher is, or has been, registered as a mentor, so they cannot be registered as an ECT. Check the TRN."))
        }
        let ects = history.registrations.filter { $0.role == .ect }
        if let current = ects.first(where: { $0.schoolURN == fields.schoolURN && $0.isCurrent(on: context.today) }) {
            return .rejected(Problem(.ectAlreadyRegistered, "This ECT is already registered at school \(fields.schoolURN) (since \(current.start.iso)). Nothing needs doing."))
        }
        if let problem = try fields.emailInUse(by: trn, context: context) { return .rejected(problem) }
        if let latest = ects.map(\.start).max(), fields.start <= latest {
            return .rejected(Problem(.field(.schoolStartDate, "overlap"), "The school start date \(fields.start.iso) is not after the start of this ECT's latest registration (\(latest.iso)). Enter a later start date."))
        }
        let transfer = ects.first { $0.end == nil && $0.schoolURN != fields.schoolURN }
        return Verdict(warnings: nameWarning(fields.name, record), change: .register(Registration(
            trn: trn, role: .ect, trsName: TeacherName(first: record.firstName, last: record.lastName), correctedName: fields.name,
            schoolURN: fields.schoolURN, start: fields.start, email: fields.email, workingPattern: fields.workingPattern,
            appropriateBodyID: fields.appropriateBodyID, trainingProgramme: fields.trainingProgramme,
            leadProviderID: fields.leadProviderID, transferFrom: transfer?.id)))
    }
}

/// A school or trust registers a mentor (RULES.md §6b).
enum MentorRegistrationRules: OperationRules {
    static func read(_ checks: inout FormatChecks, context: RuleContext) -> RegistrationFields? {
        RegistrationFields.read(&checks, context: context, startField: .mentorStartDate).complete(checks)
    }

    static func decide(_ fields: RegistrationFields, trn: TRN, record: TRSRecord, context: RuleContext) throws -> Verdict {
        if let problem = record.prohibition { return .rejected(problem) }
        let history = try context.state.history(of: trn)
        if let current = history.registrations.first(where: {
            $0.role == .mentor && $0.schoolURN == fields.schoolURN && $0.isCurrent(on: context.today)
        }) {
            return .rejected(Problem(.mentorAlreadyRegistered, "This teacher is already a mentor at school \(fields.schoolURN) (since \(current.start.iso)). Nothing needs doing."))
        }
        if let problem = try fields.emailInUse(by: trn, context: context) { return .rejected(problem) }
        return Verdict(warnings: nameWarning(fields.name, record), change: .register(Registration(
            trn: trn, role: .mentor, trsName: TeacherName(first: record.firstName, last: record.lastName),
            correctedName: fields.name, schoolURN: fields.schoolURN, start: fields.start, email: fields.email)))
    }
}

/// A warning when a corrected name shares no word with the TRS name.
func nameWarning(_ name: String?, _ record: TRSRecord) -> [Problem] {
    guard let name else { return [] }
    func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter }.map(String.init))
    }
    let trsWords = words("\(record.firstName) \(record.middleName) \(record.lastName)")
    guard words(name).isDisjoint(with: trsWords) else { return [] }
    return [Problem(.nameDiffersFromTRS, "The name \"\(name)\" shares no word with the name in the Teaching Record System (\(record.firstName) \(record.lastName)). It has been saved; check it is this teacher's name.")]
}

extension FormatChecks {
    /// The optional corrected name: at most 70 characters.
    mutating func name() -> String? {
        guard let name = row[.name] else { return nil }
        guard name.count <= 70 else {
            report(.nameFormat, "The name is \(name.count) characters long; it can be at most 70. Shorten it, or leave it empty to keep the name in the Teaching Record System.")
            return nil
        }
        return name
    }

    /// The required email, lower-cased.
    mutating func email() -> String? {
        guard let text = row[.email] else {
            report(.field(.email, "missing"), "The email is missing. Enter the teacher's email address.")
            return nil
        }
        guard let email = EmailAddress.normalised(text) else {
            report(.emailFormat, "The email \"\(text.prefix(80))\" is not a valid email address, like name@school.org.uk.")
            return nil
        }
        return email
    }

    /// The school the row registers at: a school's own URN (the cell may be empty), or
    /// for a trust, a URN that must name one of the trust's schools.
    mutating func schoolURN(context: RuleContext) -> String? {
        let submitter = context.submitter
        guard let text = row[.schoolURN] else {
            if submitter.kind == .schools { return submitter.id }
            report(.field(.schoolURN, "missing"), "The school URN is missing. A trust must give, on every row, the URN of the school the teacher is registered at.")
            return nil
        }
        guard text.utf8.count == 6, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            report(.urnFormat, "The school URN \"\(text.prefix(40))\" is not valid: a URN is 6 digits.")
            return nil
        }
        switch submitter.kind {
        case .schools:
            guard text == submitter.id else {
                report(.urnNotYours, "The school URN \(text) is not your school (\(submitter.id)). A school can register teachers only at its own URN; leave the cell empty or give \(submitter.id).")
                return nil
            }
        case .trusts:
            guard let school = context.reference.school(urn: text) else {
                report(.urnUnknown, "No school has the URN \(text). Check the URN in Get Information about Schools.")
                return nil
            }
            guard school.trustUID == submitter.id else {
                report(.urnNotYours, "School \(text) (\(school.name)) is not one of your trust's schools. A trust can register teachers only at its own schools.")
                return nil
            }
        case .appropriateBodies:
            return nil
        }
        return text
    }
}

import Domain
import Rules

/// The store as seen from inside one transaction: what the rules read, and where the
/// pipeline applies accepted changes and records verdicts.
public struct StoreTransaction: InductionState {
    let db: any SQLDatabase
    /// The working set of a file validated a chunk at a time (see `batched()`), if any.
    let batch: Batch?

    init(db: any SQLDatabase, batch: Batch? = nil) {
        self.db = db
        self.batch = batch
    }

    // MARK: Induction state (what the rules read)

    public func history(of trn: TRN) throws -> InductionHistory {
        let key = trn.description
        if let known = batch?.history(of: key) { return known }
        try settle(key)
        // A teacher new to the store (most rows of a nightly file) is answered by this one
        // lookup, without the three queries below (measured: 36k against 31k rows/s).
        guard try db.hot(.teacherKnown, .text(key)) else { return .unknown }
        let records = try self.records(where: "trn = ?", [key])
        return InductionHistory(isKnown: true, periods: records.periods[key] ?? [], extensions: records.extensions[key] ?? [],
                                registrations: records.registrations[key] ?? [])
    }

    /// What the store holds of the teachers `condition` (on `trn`) selects, by TRN, each
    /// list oldest first: one teacher's (`trn = ?`), or a chunk's (see `load`).
    func records(where condition: String, _ arguments: SQLArguments) throws
        -> (periods: [String: [InductionPeriod]], extensions: [String: [Extension]], registrations: [String: [SchoolRegistration]]) {
        var periods: [String: [InductionPeriod]] = [:]
        var extensions: [String: [Extension]] = [:]
        var registrations: [String: [SchoolRegistration]] = [:]
        for row in try db.rows("""
            SELECT trn, id, appropriate_body_id, start_date, end_date, programme, terms_tenths, outcome
            FROM induction_periods WHERE \(condition) ORDER BY trn, start_date, id
            """, arguments) {
            periods[row[0], default: []].append(InductionPeriod(
                id: row[1], appropriateBodyID: row[2], start: try Self.day(row[3]),
                end: try (row[4] as String?).map(Self.day), programme: Programme(rawValue: row[5]) ?? .schoolLed,
                terms: (row[6] as Int?).map(Terms.init(tenths:)), outcome: (row[7] as String?).flatMap(Outcome.init(rawValue:))))
        }
        for row in try db.rows("SELECT trn, id, terms_tenths FROM extensions WHERE \(condition) ORDER BY trn, id", arguments) {
            extensions[row[0], default: []].append(Extension(id: row[1], terms: Terms(tenths: row[2])))
        }
        for row in try db.rows("""
            SELECT trn, id, role, school_urn, start_date, end_date, email FROM school_registrations
            WHERE \(condition) ORDER BY trn, start_date, id
            """, arguments) {
            registrations[row[0], default: []].append(SchoolRegistration(
                id: row[1], role: SchoolRole(rawValue: row[2]) ?? .ect, schoolURN: row[3], start: try Self.day(row[4]),
                end: try (row[5] as String?).map(Self.day), email: row[6]))
        }
        return (periods, extensions, registrations)
    }

    public func isEmailInUse(_ email: String, byOtherThan trn: TRN, on day: Day) throws -> Bool {
        if let known = batch?.isEmailInUse(email, byOtherThan: trn.description, on: day.iso) { return known }
        try flush()
        return try db.hot(.emailInUse, .text(email), .trn(trn), .day(day))
    }

    static func day(_ text: String) throws -> Day {
        guard let day = Day(iso: text) else { throw StoreError.corrupt("date \(text)") }
        return day
    }

    // MARK: Applying changes

    /// Where a change came from, for the audit trail.
    public struct Origin: Sendable {
        public let submissionID: Int64
        public let row: Int
        public let asOf: Day
        public init(submissionID: Int64, row: Int, asOf: Day) {
            self.submissionID = submissionID
            self.row = row
            self.asOf = asOf
        }
    }

    /// Applies an accepted change; returns the extension's ID for an extension.
    @discardableResult
    public func apply(_ change: Change, from origin: Origin) throws -> Int64? {
        switch change {
        case .openInduction(let open):
            try insertTeacher(open.trn, name: open.trsName, origin)
            try insert(.insertPeriod, trn: open.trn.description, .trn(open.trn), .text(open.appropriateBodyID), .day(open.start),
                       .text(open.programme.rawValue), .integer(origin.submissionID), .int(origin.row))
            if open.notifyTRS {
                try queueTRS(open.trn, status: "InProgress", start: open.start, completion: nil, origin: origin)
            }
            try event(.inductionOpened, open.trn, "appropriate_body=\(open.appropriateBodyID) start=\(open.start.iso) programme=\(open.programme.rawValue)", origin)
            return nil

        case .closeInduction(let close):
            let recorded: Outcome? = close.outcome == .release ? nil : close.outcome
            if let batch {
                // Closed with the chunk's other writes (see `flush`).
                batch.close([.integer(close.periodID), .text(close.end.iso), .int(close.terms.tenths), .text(recorded?.rawValue),
                             .text(close.failConfirmationSentOn?.iso), .integer(origin.submissionID), .int(origin.row),
                             .text(close.trn.description)], trn: close.trn.description)
            } else {
                let closed = try db.execute("""
                    UPDATE induction_periods
                    SET end_date = ?, terms_tenths = ?, outcome = ?, fail_confirmation_sent_on = ?,
                        closed_by_submission_id = ?, closed_by_row = ?
                    WHERE id = ? AND trn = ? AND end_date IS NULL
                    """, [close.end.iso, close.terms.tenths, recorded?.rawValue, close.failConfirmationSentOn?.iso,
                          origin.submissionID, origin.row, close.periodID, close.trn.description])
                guard closed == 1 else { throw StoreError.conflict("induction period \(close.periodID) is not open") }
            }
            let name: EventName
            switch close.outcome {
            case .release: name = .inductionClosed
            case .pass: name = .inductionPassed
            case .fail: name = .inductionFailed
            }
            if let recorded {
                try queueTRS(close.trn, status: recorded == .pass ? "Passed" : "Failed", start: close.inductionStart,
                             completion: close.end, origin: origin)
            }
            if let finish = close.finishSchoolRegistrationOn {
                // A registration that starts later than `finish` ends on its first day.
                let finished = try db.execute("""
                    UPDATE school_registrations
                    SET end_date = CASE WHEN start_date > ? THEN start_date ELSE ? END,
                        closed_by_submission_id = ?, closed_by_row = ?
                    WHERE trn = ? AND role = 'ect' AND end_date IS NULL
                    """, [finish.iso, finish.iso, origin.submissionID, origin.row, close.trn.description])
                if finished > 0 {
                    batch?.ended(trn: close.trn.description, where: { $0.role == "ect" && $0.end == nil }, on: finish.iso)
                    try event(.ectFinished, close.trn, "end=\(finish.iso)", origin)
                }
            }
            try event(name, close.trn, "end=\(close.end.iso) terms=\(close.terms)", origin)
            return nil

        case .register(let registration):
            try register(registration, origin)
            return nil

        case .extend(let extend):
            try settle(extend.trn.description)
            if let id = extend.existingID {
                let updated = try db.execute("""
                    UPDATE extensions SET terms_tenths = ?, updated_by_submission_id = ?, updated_by_row = ?
                    WHERE id = ? AND trn = ?
                    """, [extend.terms.tenths, origin.submissionID, origin.row, id, extend.trn.description])
                guard updated == 1 else { throw StoreError.conflict("extension \(id) is not this teacher's") }
                try event(.extensionUpdated, extend.trn, "extension=\(id) terms=\(extend.terms)", origin)
                return id
            }
            // The next number after the highest, inside the transaction: an extension's ID is
            // shown to the submitter, and must not depend on a killed run before (a
            // PostgreSQL sequence is not rolled back; SQLite's rowid is this rule already).
            let id: Int64
            if let batch {
                // A working set numbers the file's new extensions itself, and writes them with the rest.
                if let next = batch.nextExtensionID {
                    id = next
                } else {
                    id = (try db.value("SELECT coalesce(max(id), 0) FROM extensions") ?? 0) + 1
                }
                batch.nextExtensionID = id + 1
                try insert(.insertExtension, trn: extend.trn.description, .integer(id), .trn(extend.trn),
                           .int(extend.terms.tenths), .integer(origin.submissionID), .int(origin.row))
            } else {
                id = try db.insert("""
                    INSERT INTO extensions (id, trn, terms_tenths, created_by_submission_id, created_by_row)
                    VALUES ((SELECT coalesce(max(id), 0) + 1 FROM extensions), ?, ?, ?, ?)
                    """, [extend.trn.description, extend.terms.tenths, origin.submissionID, origin.row])
            }
            try event(.extensionAdded, extend.trn, "extension=\(id) terms=\(extend.terms)", origin)
            return id
        }
    }

    private func register(_ registration: Registration, _ origin: Origin) throws {
        let trn = registration.trn.description
        try insertTeacher(registration.trn, name: registration.trsName, origin)
        if let name = registration.correctedName {
            try settle(trn)
            let corrected = try db.execute(
                "UPDATE teachers SET corrected_name = ? WHERE trn = ? AND corrected_name IS DISTINCT FROM ?", [name, trn, name])
            if corrected > 0 { try event(.nameCorrected, registration.trn, "", origin) }
        }
        if let previous = registration.transferFrom {
            let end = registration.start.adding(days: -1)
            try settle(trn)
            let transferred = try db.execute("""
                UPDATE school_registrations SET end_date = ?, closed_by_submission_id = ?, closed_by_row = ?
                WHERE id = ? AND trn = ? AND end_date IS NULL
                """, [end.iso, origin.submissionID, origin.row, previous, trn])
            guard transferred == 1 else { throw StoreError.conflict("registration \(previous) is not open") }
            batch?.ended(trn: trn, where: { $0.id == previous }, on: end.iso)
            try event(.ectTransferred, registration.trn, "from_registration=\(previous) end=\(end.iso)", origin)
        }
        try insert(.insertRegistration, trn: trn, .text(trn), .text(registration.role.rawValue), .text(registration.schoolURN),
                   .day(registration.start), .text(registration.email), .text(registration.workingPattern?.rawValue),
                   .text(registration.appropriateBodyID), .text(registration.trainingProgramme?.rawValue),
                   .text(registration.leadProviderID), .integer(origin.submissionID), .int(origin.row))
        batch?.added(email: registration.email, trn: trn, role: registration.role.rawValue, start: registration.start.iso)
        try event(registration.role == .ect ? .ectRegistered : .mentorRegistered, registration.trn,
                  "school=\(registration.schoolURN) start=\(registration.start.iso)", origin)
    }

    /// The teacher's row, with the TRS name, unless the store has it already.
    private func insertTeacher(_ trn: TRN, name: TeacherName, _ origin: Origin) throws {
        try insert(.insertTeacher, trn: trn.description, .trn(trn), .text(name.first), .text(name.last),
                   .integer(origin.submissionID))
    }

    private func queueTRS(_ trn: TRN, status: String, start: Day, completion: Day?, origin: Origin) throws {
        try insert(.insertOutbox, trn: trn.description, .trn(trn), .text(status), .day(start), .day(completion),
                   .integer(origin.submissionID), .int(origin.row))
    }

    private func event(_ name: EventName, _ trn: TRN, _ detail: String, _ origin: Origin) throws {
        try insert(.insertEvent, trn: trn.description, .integer(origin.submissionID), .int(origin.row), .trn(trn),
                   .text(name.rawValue), .text(detail), .day(origin.asOf))
    }
}

/// A store that does not hold what it must.
public enum StoreError: Error, CustomStringConvertible {
    case corrupt(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .corrupt(let what): "the store holds an unreadable \(what)"
        case .conflict(let what): "the store refused a change: \(what)"
        }
    }
}

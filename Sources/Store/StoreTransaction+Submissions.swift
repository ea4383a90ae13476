import Domain

/// A file the store has seen, by submitter and content fingerprint.
public struct SubmissionRecord: Hashable, Sendable {
    public enum Status: String, Sendable { case processed, refused }

    public let id: Int64
    public let submitter: Submitter
    public let fileName: String
    public let sha256: String
    public let kind: SubmissionKind?
    public let format: FileFormat?
    public let status: Status
    /// Why the file was refused as a whole.
    public let refusal: Problem?
    public let rowsAccepted: Int
    public let rowsRejected: Int
    /// The name of the result file written for it (in its submitter's outbox folder).
    public let resultName: String?
    /// Where its archive copy is (a processed file archived since archives were bundled).
    public var archive: ArchiveLocation? = nil
}

/// Where an input's archive copy is: the entry `entry` of the tar file
/// `<root>/archive/<bundle>`, `length` bytes (headers and padding included) from `offset`.
public struct ArchiveLocation: Hashable, Sendable {
    public var bundle: String
    public var entry: String
    public var offset: Int64
    public var length: Int64

    public init(bundle: String, entry: String, offset: Int64, length: Int64) {
        self.bundle = bundle
        self.entry = entry
        self.offset = offset
        self.length = length
    }
}

/// A row's verdict as stored: codes and messages, never the row's personal data.
public struct StoredVerdict: Hashable, Sendable {
    public let row: Int
    public let status: RowStatus
    public let errors: [Problem]
    public let warnings: [Problem]
    public let extensionID: Int64?
}

extension StoreTransaction {
    /// The submission with this fingerprint from this submitter, if any.
    public func submission(from submitter: Submitter, sha256: String) throws -> SubmissionRecord? {
        try db.row("""
            SELECT id, file_name, kind, format, status, refusal_code, refusal_message, rows_accepted, rows_rejected,
                   result_name, archive_bundle, archive_entry, archive_offset, archive_length
            FROM submissions WHERE submitter_kind = ? AND submitter_id = ? AND sha256 = ?
            """, [submitter.kind.rawValue, submitter.id, sha256]).map { row in
            let code: String? = row[5]
            var record = SubmissionRecord(
                id: row[0], submitter: submitter, fileName: row[1], sha256: sha256,
                kind: (row[2] as String?).flatMap(SubmissionKind.init(rawValue:)),
                format: (row[3] as String?).flatMap(FileFormat.init(rawValue:)),
                status: SubmissionRecord.Status(rawValue: row[4]) ?? .processed,
                refusal: code.map { Problem(ErrorCode(rawValue: $0), row[6] ?? "") },
                rowsAccepted: row[7], rowsRejected: row[8], resultName: row[9])
            if let bundle: String = row[10], let entry: String = row[11], let offset: Int64 = row[12],
               let length: Int64 = row[13] {
                record.archive = ArchiveLocation(bundle: bundle, entry: entry, offset: offset, length: length)
            }
            return record
        }
    }

    /// What is known of a file when it starts being processed.
    public struct NewSubmission: Sendable {
        public var submitter: Submitter
        public var fileName: String
        public var sha256: String
        public var kind: SubmissionKind?
        public var format: FileFormat?
        public var refusal: Problem?
        public var runID: String?
        public var asOf: Day
        public var processedAt: String
        public var resultName: String?

        public init(submitter: Submitter, fileName: String, sha256: String, kind: SubmissionKind? = nil,
                    format: FileFormat? = nil, refusal: Problem? = nil, runID: String? = nil, asOf: Day,
                    processedAt: String, resultName: String? = nil) {
            self.resultName = resultName
            self.submitter = submitter
            self.fileName = fileName
            self.sha256 = sha256
            self.kind = kind
            self.format = format
            self.refusal = refusal
            self.runID = runID
            self.asOf = asOf
            self.processedAt = processedAt
        }
    }

    /// Forgets that these bytes were once refused, so that they can be recorded as
    /// processed (a refusal is no change, and a later version may accept the file).
    public func forgetRefusal(from submitter: Submitter, sha256: String) throws {
        try db.execute("""
            DELETE FROM submissions WHERE submitter_kind = ? AND submitter_id = ? AND sha256 = ? AND status = 'refused'
            """, [submitter.kind.rawValue, submitter.id, sha256])
    }

    /// Records a submission; its counts start at zero.
    public func insertSubmission(_ new: NewSubmission) throws -> Int64 {
        try db.insert("""
            INSERT INTO submissions (submitter_kind, submitter_id, file_name, sha256, kind, format, status,
                                     refusal_code, refusal_message, run_id, as_of, processed_at, result_name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                new.submitter.kind.rawValue, new.submitter.id, new.fileName, new.sha256, new.kind?.rawValue,
                new.format?.rawValue, new.refusal == nil ? "processed" : "refused", new.refusal?.code.rawValue,
                new.refusal?.message, new.runID, new.asOf.iso, new.processedAt, new.resultName,
            ])
    }

    /// Whether a result file of this name was written on `asOf` for another of the
    /// submitter's files than the one with `sha256`.
    public func isResultNameTaken(_ name: String, by submitter: Submitter, asOf: Day, otherThan sha256: String) throws -> Bool {
        try db.value("""
            SELECT EXISTS (SELECT 1 FROM submissions
                           WHERE submitter_kind = ? AND submitter_id = ? AND result_name = ? AND as_of = ? AND sha256 <> ?)
            """, [submitter.kind.rawValue, submitter.id, name, asOf.iso, sha256]) ?? false
    }

    /// Sets a submission's final counts and duration, and where its archive copy is.
    public func finishSubmission(_ id: Int64, accepted: Int, rejected: Int, durationMilliseconds: Int,
                                 archive: ArchiveLocation?) throws {
        try db.execute("""
            UPDATE submissions SET rows_total = ?, rows_accepted = ?, rows_rejected = ?, duration_ms = ?,
              archive_bundle = ?, archive_entry = ?, archive_offset = ?, archive_length = ?
            WHERE id = ?
            """, [accepted + rejected, accepted, rejected, durationMilliseconds, archive?.bundle, archive?.entry,
                  archive?.offset, archive?.length, id])
    }

    /// Records where a processed submission's archive copy now is (archived again because
    /// the copy it had was lost).
    public func recordArchive(_ location: ArchiveLocation, of id: Int64) throws {
        try db.execute("""
            UPDATE submissions SET archive_bundle = ?, archive_entry = ?, archive_offset = ?, archive_length = ? WHERE id = ?
            """, [location.bundle, location.entry, location.offset, location.length, id])
    }

    /// Where the entries the store knows of end in the bundle `bundle` (0 for none).
    public func archiveEnd(of bundle: String) throws -> Int64 {
        try db.value("SELECT max(archive_offset + archive_length) FROM submissions WHERE archive_bundle = ?", [bundle]) ?? 0
    }

    /// The archive copies of `submitter`'s files named `fileName`, oldest first, with the
    /// day each was processed.
    public func archiveCopies(of submitter: Submitter, named fileName: String) throws -> [(asOf: String, location: ArchiveLocation)] {
        try db.rows("""
            SELECT as_of, archive_bundle, archive_entry, archive_offset, archive_length FROM submissions
            WHERE submitter_kind = ? AND submitter_id = ? AND file_name = ? AND archive_bundle IS NOT NULL
            ORDER BY id
            """, [submitter.kind.rawValue, submitter.id, fileName]).map { row in
            (row[0], ArchiveLocation(bundle: row[1], entry: row[2], offset: row[3], length: row[4]))
        }
    }

    /// Records one row's verdict (codes and messages only).
    public func recordVerdict(submissionID: Int64, row: Int, trn: TRN?, verdict: Verdict, extensionID: Int64?) throws {
        try insert(.insertVerdict, trn: nil, .integer(submissionID), .int(row), .trn(trn), .text(verdict.status.rawValue),
                    .text(Self.joined(verdict.errors, \.code.rawValue, " ")), .text(Self.messages(verdict.errors)),
                    .text(Self.joined(verdict.warnings, \.code.rawValue, " ")),
                    .text(Self.messages(verdict.warnings)), .int(extensionID))
    }

    /// `problems`' `part`s joined by `separator`; no work for none.
    private static func joined(_ problems: [Problem], _ part: KeyPath<Problem, String>, _ separator: String) -> String {
        switch problems.count {
        case 0: ""
        case 1: problems[0][keyPath: part]
        default: problems.map { $0[keyPath: part] }.joined(separator: separator)
        }
    }

    /// The problems' messages, one a line, each with its own line breaks and backslashes
    /// escaped (`\n`, `\r`, `\\`), so that any message comes back exactly as it was.
    package static func messages(_ problems: [Problem]) -> String {
        switch problems.count {
        case 0: return ""
        case 1 where !problems[0].message.utf8.contains(where: { $0 == 0x5C || $0 == 0x0A || $0 == 0x0D }):
            return problems[0].message
        default:
            return problems.map { problem in
                var escaped = ""
                for scalar in problem.message.unicodeScalars {
                    switch scalar {
                    case "\\": escaped += "\\\\"
                    case "\n": escaped += "\\n"
                    case "\r": escaped += "\\r"
                    default: escaped.unicodeScalars.append(scalar)
                    }
                }
                return escaped
            }.joined(separator: "\n")
        }
    }

    /// The messages `messages(_:)` joined, each as it was.
    package static func unescapedMessages(_ joined: String) -> [String] {
        joined.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.contains("\\") else { return String(line) }
            var out = ""
            var escaping = false
            for scalar in line.unicodeScalars {
                if escaping {
                    switch scalar {
                    case "n": out += "\n"
                    case "r": out += "\r"
                    default: out.unicodeScalars.append(scalar)
                    }
                    escaping = false
                } else if scalar == "\\" {
                    escaping = true
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
    }

    /// Calls `body` with each stored verdict of a submission, in row order.
    public func forEachVerdict(of submissionID: Int64, _ body: (StoredVerdict) throws -> Void) throws {
        try db.forEachRow("""
            SELECT row_number, status, error_codes, error_messages, warning_codes, warning_messages, extension_id
            FROM row_verdicts WHERE submission_id = ? ORDER BY row_number
            """, [submissionID]) { row in
            try body(StoredVerdict(
                row: row[0], status: RowStatus(rawValue: row[1]) ?? .rejected,
                errors: Self.problems(codes: row[2], messages: row[3]),
                warnings: Self.problems(codes: row[4], messages: row[5]), extensionID: row[6]))
        }
    }

    private static func problems(codes: String, messages: String) -> [Problem] {
        guard !codes.isEmpty else { return [] }
        let messageList = unescapedMessages(messages)
        return codes.split(separator: " ").enumerated().map { index, code in
            Problem(ErrorCode(rawValue: String(code)), index < messageList.count ? messageList[index] : "")
        }
    }

    // MARK: Runs

    /// Runs started and never finished (a kill or a power cut stopped them), other than `id`.
    public func unfinishedRuns(otherThan id: String) throws -> [(id: String, asOf: String)] {
        try db.rows("SELECT id, as_of FROM runs WHERE status = 'running' AND id <> ? ORDER BY id", [id]).map { ($0[0], $0[1]) }
    }

    public func startRun(id: String, asOf: Day, startedAt: String) throws {
        try db.execute("INSERT INTO runs (id, as_of, started_at, status) VALUES (?, ?, ?, 'running')", [id, asOf.iso, startedAt])
    }

    public func finishRun(id: String, finishedAt: String, failed: Bool, durationMilliseconds: Int, counts: RunCounts) throws {
        try db.execute("""
            UPDATE runs SET finished_at = ?, status = ?, duration_ms = ?, files_processed = ?, files_refused = ?,
              files_quarantined = ?, files_reissued = ?, files_waiting = ?, rows_accepted = ?, rows_rejected = ?
            WHERE id = ?
            """, [finishedAt, failed ? "failed" : "finished", durationMilliseconds, counts.processed,
                             counts.refused, counts.quarantined, counts.reissued, counts.waiting, counts.accepted,
                             counts.rejected, id])
    }
}

/// What a run did, counted once: the run prints these, logs them and keeps them, and its
/// report reads them back.
public struct RunCounts: Hashable, Sendable {
    /// Files validated and applied.
    public var processed = 0
    /// Files refused whole (with a result; quarantined).
    public var refused = 0
    /// Files from submitters the reference data does not know (quarantined, no result).
    public var quarantined = 0
    /// Files processed before, whose result was written again.
    public var reissued = 0
    /// Files left in the inbox by a fault of ours.
    public var waiting = 0
    /// Rows of processed files: a refused file counts as a file, not as rows; a re-issued
    /// one was counted when it was processed.
    public var accepted = 0
    public var rejected = 0

    public init() {}

    /// Every file the run dealt with (not those left waiting).
    public var files: Int { processed + refused + quarantined + reissued }
    public var rows: Int { accepted + rejected }
}

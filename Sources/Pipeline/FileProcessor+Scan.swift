import Domain
import Parsers

/// Pass 1: format, kind, duplicate TRNs.
extension FileProcessor {
    /// A file refused as a whole: its content is the submitter's to fix.
    struct Refusal: Error {
        let problem: Problem
        /// Whether rows can be read (up to the problem) and echoed, each rejected.
        let rowsReadable: Bool
        var format: FileFormat?
        var header: [String]?
        var kind: SubmissionKind?
    }

    /// Why a first pass ended early: the file's content, or the machine.
    enum ScanError: Error {
        case refusal(Refusal)
        case system(SystemError)

        init(_ error: ReadError, refusing: (ParseError) -> Refusal) {
            switch error {
            case .content(let problem): self = .refusal(refusing(problem))
            case .system(let error): self = .system(error)
            }
        }
    }

    /// What the first pass learned.
    struct Scan {
        let format: FileFormat
        let header: [String]?
        let kind: SubmissionKind
        /// For each TRN on more than one row: all its row numbers.
        let duplicates: [Int: [Int]]
        /// The reader of the first pass, for pass 2 to reopen (an XML file is converted once).
        let reader: SubmissionReader
        /// The rows, when few enough to keep (see `Tuning.keptRows`): pass 2 then reads them
        /// from here instead of parsing the file again.
        let rows: [SourceRow]?
    }

    /// `scratch`: where an XML file's conversion goes (see `SubmissionReader`).
    static func scan(_ file: InboxFile, keeping keptRows: Int = Tuning.keptRows, scratch: String? = nil) throws(ScanError) -> Scan {
        let reader: SubmissionReader
        do {
            reader = try SubmissionReader(path: file.path, scratch: scratch)
        } catch {
            throw ScanError(error) { Refusal(problem: $0.problem, rowsReadable: false, format: Self.formatFromName(file.name)) }
        }
        var firstRow: [Int: Int] = [:]
        var duplicates: [Int: [Int]] = [:]
        var fieldsSeen: Set<Field> = reader.headerFields
        var kept: [SourceRow]? = []
        var keptBytes = 0
        var rows = 0
        do {
            while let row = try reader.next() {
                if !row.isBlank { rows += 1 }
                if kept != nil {
                    keptBytes += row.cells.reduce(16) { $0 + $1.key.utf8.count + $1.value.approximateBytes }
                    if kept!.count < keptRows && keptBytes <= Tuning.keptBytes { kept!.append(row) } else { kept = nil }
                }
                if row.isBlank || row.problem != nil { continue }
                for cell in row.cells {
                    guard let field = cell.field else { continue }
                    if reader.format != .csv, cell.value.text?.trimmingSpaces().isEmpty == false { fieldsSeen.insert(field) }
                    guard field == .trn, let text = cell.value.text, let trn = TRN(normalising: text) else { continue }
                    if let first = firstRow[trn.value] {
                        duplicates[trn.value, default: [first]].append(row.number)
                    } else {
                        firstRow[trn.value] = row.number
                    }
                }
            }
        } catch {
            throw ScanError(error) { Refusal(problem: $0.problem, rowsReadable: true, format: reader.format, header: reader.header) }
        }
        let kind: SubmissionKind
        do {
            kind = try Self.kind(of: reader, fieldsSeen: fieldsSeen, submitter: file.submitter)
        } catch {
            throw .refusal(error)
        }
        // A header and nothing else: DfE's blank template uploaded as it is.
        guard rows > 0 else {
            throw .refusal(Refusal(problem: Problem(.fileEmpty, "The file has a header row but no rows, so there is nothing to do. Add a row for each teacher under the header, then upload it again."),
                                   rowsReadable: false, format: reader.format, kind: kind))
        }
        return Scan(format: reader.format, header: reader.header, kind: kind, duplicates: duplicates, reader: reader, rows: kept)
    }

    private static func kind(of reader: SubmissionReader, fieldsSeen: Set<Field>, submitter: Submitter) throws(Refusal) -> SubmissionKind {
        let kind: SubmissionKind
        if let declared = reader.declaredKind {
            guard let known = SubmissionKind(rawValue: declared.trimmingSpaces().lowercased()) else {
                let shown = PersonalData.quoted(String(declared.prefix(40))).map { "\($0) " } ?? ""
                throw Refusal(problem: Problem(.jsonKindUnknown, "The file's kind \(shown)is not one we know. Use one of: \(SubmissionKind.allCases.map(\.rawValue).joined(separator: ", "))."), rowsReadable: false, format: reader.format)
            }
            kind = known
        } else if let detected = SubmissionKind.detect(from: fieldsSeen) {
            kind = detected
        } else {
            // Rows are not echoed: with no template, no cell can be told to be personal data.
            throw Refusal(problem: Problem(.fileUnknownKind, unknownKindMessage(header: reader.header ?? [], fieldsSeen: fieldsSeen)),
                          rowsReadable: false, format: reader.format)
        }
        guard submitter.kind.allowedKinds.contains(kind) else {
            let allowed = submitter.kind.allowedKinds.map(\.rawValue).joined(separator: ", ")
            throw Refusal(problem: Problem(.fileKindNotAllowed, "This is a \(kind.rawValue) file, which a\(submitter.kind == .appropriateBodies ? "n" : "") \(submitter.kind.noun) cannot send. A \(submitter.kind.noun) may send: \(allowed)."), rowsReadable: true, format: reader.format, header: reader.header, kind: kind)
        }
        return kind
    }

    /// What a file whose columns match no template lacks. A header cell that could be a
    /// date of birth or national insurance number (a file without its header row, whose
    /// first row is data) is described, never quoted.
    static func unknownKindMessage(header: [String], fieldsSeen: Set<Field>) -> String {
        let closest = SubmissionKind.closest(to: fieldsSeen)
        let missing = closest.requiredFields.filter { !fieldsSeen.contains($0) }.map { "\"\($0.header)\"" }
        let unexpected = header.filter { name in
            guard !name.isEmpty else { return false }
            guard let field = Field(header: name) else { return true }
            return !closest.fields.contains(field)
        }
        let quotable = unexpected.compactMap { PersonalData.quoted(String($0.prefix(60))) }
        var message = "The columns match no template. The closest is the \(closest.rawValue) template, which also needs \(missing.joined(separator: ", "))."
        if quotable.count < unexpected.count {
            message += " The first row looks like data, not column names: add the template's header row above it."
        } else if !unexpected.isEmpty {
            message += " Not in that template: \(quotable.joined(separator: ", "))."
        }
        message += " Start from the template's header row."
        return message
    }
}

import Domain

/// A CSV file read by header names: columns are found by header (case-insensitive,
/// surrounding spaces ignored) and other columns are ignored, so GIAS's own downloads
/// and the TRS extract load unchanged.
public final class HeaderedCSV {
    private let tokenizer: CSVTokenizer
    private let indexes: [String: Int]
    private var cells: [String] = []
    /// The line of the current record.
    public private(set) var line = 0

    /// Opens `path` and reads its header; throws when a `required` header is missing.
    public init(path: String, required: [String]) throws(ReadError) {
        let stream = try ByteStream(path: path)
        if try stream.prefix(3) == [0xEF, 0xBB, 0xBF] { stream.skip(3) }
        tokenizer = CSVTokenizer(stream: stream)
        guard let header = try tokenizer.next() else {
            throw ReadError.content(ParseError(.fileEmpty, "\(path) is empty: it needs a header row."))
        }
        var indexes: [String: Int] = [:]
        for (index, name) in header.cells.enumerated() {
            indexes[HeaderedCSV.key(name)] = indexes[HeaderedCSV.key(name)] ?? index
        }
        let missing = required.filter { indexes[HeaderedCSV.key($0)] == nil }
        guard missing.isEmpty else {
            throw ReadError.content(ParseError(.fileUnknownKind, "\(path) lacks the column(s) \(missing.map { "\"\($0)\"" }.joined(separator: ", ")).", line: header.line))
        }
        self.indexes = indexes
    }

    /// Moves to the next record; false at the end.
    public func advance() throws(ReadError) -> Bool {
        guard let record = try tokenizer.next() else { return false }
        cells = record.cells
        line = record.line
        return true
    }

    /// Column positions by the header names asked for, so that each name is normalised once.
    private var resolved: [String: Int] = [:]

    /// The trimmed cell under `header` in the current record ("" when absent).
    public subscript(header: String) -> String {
        let index: Int
        if let known = resolved[header] {
            index = known
        } else {
            index = indexes[HeaderedCSV.key(header)] ?? -1
            resolved[header] = index
        }
        guard index >= 0, index < cells.count else { return "" }
        return cells[index].trimmingSpaces()
    }

    private static func key(_ header: String) -> String { header.trimmingSpaces().lowercased() }
}

/// Reads the reference files that `load-reference` takes.
public enum ReferenceReader {
    public static func schools(path: String) throws(ReadError) -> [School] {
        try records(path, required: ["URN", "EstablishmentName"], key: "URN") { csv in
            let trust = csv["Trusts (code)"]
            return School(urn: csv["URN"], name: csv["EstablishmentName"], localAuthorityCode: csv["LA (code)"],
                          localAuthorityName: csv["LA (name)"], type: csv["TypeOfEstablishment (name)"],
                          status: csv["EstablishmentStatus (name)"], phase: csv["PhaseOfEducation (name)"],
                          trustUID: trust.isEmpty ? nil : trust)
        }
    }

    public static func trusts(path: String) throws(ReadError) -> [Trust] {
        try records(path, required: ["Group UID", "Group Name"], key: "Group UID") { csv in
            Trust(uid: csv["Group UID"], name: csv["Group Name"], type: csv["Group Type"])
        }
    }

    public static func appropriateBodies(path: String) throws(ReadError) -> [AppropriateBody] {
        try records(path, required: ["id", "name"], key: "id") { csv in
            AppropriateBody(id: csv["id"], name: csv["name"], dfeSignInOrganisationID: csv["dfe_sign_in_organisation_id"])
        }
    }

    public static func leadProviders(path: String) throws(ReadError) -> [LeadProvider] {
        try records(path, required: ["id", "name"], key: "id") { csv in LeadProvider(id: csv["id"], name: csv["name"]) }
    }

    /// One value per record whose `key` cell is not empty.
    private static func records<T>(_ path: String, required: [String], key: String,
                                   _ make: (HeaderedCSV) -> T) throws(ReadError) -> [T] {
        let csv = try HeaderedCSV(path: path, required: required)
        var values: [T] = []
        while try csv.advance() {
            guard !csv[key].isEmpty else { continue }
            values.append(make(csv))
        }
        return values
    }
}

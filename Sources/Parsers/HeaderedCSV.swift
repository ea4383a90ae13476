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

    /// Whether the file was read as Windows-1252 (it was not UTF-8).
    public let isWindows1252: Bool

    /// Opens `path` and reads its header; throws when a `required` header is missing.
    ///
    /// A file that is UTF-8 (with or without a byte order mark) is read as UTF-8; any other
    /// is read as Windows-1252, the encoding GIAS serves its downloads in. Such a file is
    /// converted in memory (a GIAS establishments download is about 60 MB).
    public init(path: String, required: [String]) throws(ReadError) {
        var stream = try ByteStream(path: path)
        isWindows1252 = try XMLConverter.firstInvalidUTF8Line(stream) != nil
        stream = try ByteStream(path: path)
        if isWindows1252 {
            stream = ByteStream(bytes: Windows1252.utf8(from: try stream.readAll()))
        }
        if try stream.prefix(3) == [0xEF, 0xBB, 0xBF] { stream.skip(3) }
        tokenizer = CSVTokenizer(stream: stream)
        guard let header = try tokenizer.next() else {
            throw ReadError.content(ParseError(.fileEmpty, "\(path) is empty: it needs a header row.", line: 1))
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

    /// Whether every cell of the current record is empty.
    public var isBlank: Bool { cells.allSatisfy { $0.trimmingSpaces().isEmpty } }

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

/// A reference file read: the values, and the lines left out with why.
public struct ReferenceFile<Value: Sendable>: Sendable {
    public var values: [Value] = []
    /// Lines that could not be used, each with a reason for the operator.
    public var leftOut: [(line: Int, reason: String)] = []
    /// Whether the file was Windows-1252 (GIAS's own downloads are).
    public var isWindows1252 = false
}

/// Reads the reference files that `load-reference` takes. A line that cannot be used is
/// left out and reported with its line number; only a file that is not such a file at
/// all (no header, a required column missing) is refused.
public enum ReferenceReader {
    /// GIAS's establishments download (`edubasealldata*.csv`): every establishment, whatever
    /// its type; URNs are digits (most have six, children's centres five).
    public static func schools(path: String) throws(ReadError) -> ReferenceFile<School> {
        try records(path, required: ["URN", "EstablishmentName"], key: "URN") { csv throws(Unusable) in
            let urn = csv["URN"]
            guard urn.utf8.count <= 8, urn.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw Unusable("the URN \"\(urn.prefix(20))\" is not a number")
            }
            let name = csv["EstablishmentName"]
            guard !name.isEmpty else { throw Unusable("establishment \(urn) has no EstablishmentName") }
            let trust = csv["Trusts (code)"]
            return School(urn: urn, name: name, localAuthorityCode: csv["LA (code)"],
                          localAuthorityName: csv["LA (name)"], type: csv["TypeOfEstablishment (name)"],
                          status: csv["EstablishmentStatus (name)"], phase: csv["PhaseOfEducation (name)"],
                          trustUID: trust.isEmpty ? nil : trust, regionCode: csv["GOR (code)"], regionName: csv["GOR (name)"])
        }
    }

    /// GIAS's groups download (`allgroupsdata*.csv`): trusts, federations and the rest.
    public static func trusts(path: String) throws(ReadError) -> ReferenceFile<Trust> {
        try records(path, required: ["Group UID", "Group Name"], key: "Group UID") { csv throws(Unusable) in
            let name = csv["Group Name"]
            guard !name.isEmpty else { throw Unusable("group \(csv["Group UID"].prefix(20)) has no Group Name") }
            return Trust(uid: csv["Group UID"], name: name, type: csv["Group Type"])
        }
    }

    public static func appropriateBodies(path: String) throws(ReadError) -> ReferenceFile<AppropriateBody> {
        try records(path, required: ["id", "name"], key: "id") { csv throws(Unusable) in
            guard !csv["name"].isEmpty else { throw Unusable("appropriate body \(csv["id"].prefix(20)) has no name") }
            return AppropriateBody(id: csv["id"], name: csv["name"], dfeSignInOrganisationID: csv["dfe_sign_in_organisation_id"])
        }
    }

    public static func leadProviders(path: String) throws(ReadError) -> ReferenceFile<LeadProvider> {
        try records(path, required: ["id", "name"], key: "id") { csv throws(Unusable) in
            guard !csv["name"].isEmpty else { throw Unusable("lead provider \(csv["id"].prefix(20)) has no name") }
            return LeadProvider(id: csv["id"], name: csv["name"])
        }
    }

    /// DfE's local-authority lookup (as its statistics packages publish it): `old_la_code`,
    /// `new_la_code`, `la_name`, `region_code`, `region_name`.
    public static func localAuthorities(path: String) throws(ReadError) -> ReferenceFile<LocalAuthority> {
        try records(path, required: ["old_la_code", "new_la_code", "la_name", "region_code", "region_name"], key: "old_la_code") { csv throws(Unusable) in
            let old = csv["old_la_code"], new = csv["new_la_code"]
            guard old.utf8.count == 3, old.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw Unusable("the old LA code \"\(old.prefix(20))\" is not three digits")
            }
            guard new.utf8.count == 9, new.hasPrefix("E") else { throw Unusable("the new LA code \"\(new.prefix(20))\" is not an E-code of nine characters") }
            guard !csv["la_name"].isEmpty, csv["region_code"].utf8.count == 9, !csv["region_name"].isEmpty else {
                throw Unusable("LA \(old) lacks its name or region")
            }
            return LocalAuthority(oldCode: old, newCode: new, name: csv["la_name"], regionCode: csv["region_code"],
                                  regionName: csv["region_name"])
        }
    }

    /// Why a line was left out.
    struct Unusable: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// One value per record; a record whose `key` cell is empty, that `make` finds
    /// unusable, or whose key an earlier line had, is left out.
    private static func records<T>(_ path: String, required: [String], key: String,
                                   _ make: (HeaderedCSV) throws(Unusable) -> T) throws(ReadError) -> ReferenceFile<T> {
        let csv = try HeaderedCSV(path: path, required: required)
        var file = ReferenceFile<T>()
        file.isWindows1252 = csv.isWindows1252
        var seen: [String: Int] = [:]
        while try csv.advance() {
            let id = csv[key]
            guard !id.isEmpty else {
                if !csv.isBlank { file.leftOut.append((csv.line, "no \(key)")) }
                continue
            }
            if let first = seen[id] {
                file.leftOut.append((csv.line, "\(key) \(id.prefix(20)) was on line \(first) already"))
                continue
            }
            do {
                file.values.append(try make(csv))
                seen[id] = csv.line
            } catch {
                file.leftOut.append((csv.line, error.reason))
            }
        }
        return file
    }
}

import Domain

/// Tells a file's format from its first bytes, with the file name's extension as a hint.
public enum FormatSniffer {
    /// How many leading bytes `detect` wants to see.
    public static let sampleSize = 4096

    /// What the first bytes say.
    public struct Detection: Equatable, Sendable {
        public let format: FileFormat
        /// Bytes to skip before the content (a UTF-8 byte order mark).
        public let skip: Int
    }

    /// A text encoding other than UTF-8 that is read by converting it.
    public enum Encoding: Sendable {
        case utf16LittleEndian
        case utf16BigEndian
    }

    /// UTF-16 with a byte order mark, which Excel's "Unicode text" writes.
    public static func utf16(_ sample: [UInt8]) -> Encoding? {
        if sample.starts(with: [0xFF, 0xFE]) { return .utf16LittleEndian }
        if sample.starts(with: [0xFE, 0xFF]) { return .utf16BigEndian }
        return nil
    }

    /// The format of a file starting with `sample`; throws when the file cannot be a
    /// submission at all (empty, binary, not UTF-8).
    public static func detect(sample: [UInt8], fileName: String) throws(ReadError) -> Detection {
        var skip = 0
        // A zip archive: an Excel workbook, or refused as one that is not.
        if sample.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return Detection(format: .xlsx, skip: 0) }
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { skip = 3 }
        if sample.contains(0) {
            throw ReadError.content(ParseError(.fileBinary, "The file contains binary data, so it is not a CSV, JSON, XML text file or an Excel workbook. Upload the submission as text, or as an .xlsx workbook."))
        }
        guard let first = sample[skip...].firstIndex(where: { !isSpace($0) }) else {
            throw ReadError.content(ParseError(.fileEmpty, "The file is empty. Upload a file with a header row and at least one row."))
        }
        let ext = fileName.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch sample[first] {
        case UInt8(ascii: "<"):
            return Detection(format: .xml, skip: skip)
        case UInt8(ascii: "["):
            return Detection(format: .json, skip: skip)
        case UInt8(ascii: "{"):
            if ext == "jsonl" || ext == "ndjson" { return Detection(format: .ndjson, skip: skip) }
            if ext == "json" { return Detection(format: .json, skip: skip) }
            return Detection(format: looksLikeLines(sample[first...]) ? .ndjson : .json, skip: skip)
        default:
            return Detection(format: .csv, skip: skip)
        }
    }

    /// True when the sample's first line closes with `}` and the next line opens with `{`.
    private static func looksLikeLines(_ sample: ArraySlice<UInt8>) -> Bool {
        guard let newline = sample.firstIndex(of: UInt8(ascii: "\n")) else { return false }
        let firstLine = sample[..<newline]
        guard firstLine.last(where: { !isSpace($0) }) == UInt8(ascii: "}") else { return false }
        return sample[(newline + 1)...].first(where: { !isSpace($0) }) == UInt8(ascii: "{")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

import Domain

/// A streaming RFC 4180 tokenizer over bytes: one record at a time, each cell decoded as
/// UTF-8 only once the record is complete.
///
/// Quoted cells may hold commas, doubled quotes and line breaks; LF and CRLF both end a
/// record. Blank lines and lines whose first character is `#` are skipped. Cells are
/// returned as written (trimming is the caller's business).
public final class CSVTokenizer {
    /// The longest record accepted, in bytes; a longer one refuses the file.
    public static let maximumRecordBytes = 1 << 20

    private let stream: ByteStream
    private var bytes: [UInt8] = []
    private var cellEnds: [Int] = []
    private var line = 1

    public init(stream: ByteStream) {
        self.stream = stream
    }

    /// A record and the line it starts on.
    public struct Record: Sendable {
        public let line: Int
        public let cells: [String]
    }

    /// The next record, or `nil` at the end of the file.
    public func next() throws(ReadError) -> Record? {
        while true {
            bytes.removeAll(keepingCapacity: true)
            cellEnds.removeAll(keepingCapacity: true)
            let startLine = line
            guard let first = try stream.peek() else { return nil }
            if first == UInt8(ascii: "#") {
                try skipLine()
                continue
            }
            let sawContent = try readRecord(startLine: startLine)
            if !sawContent { continue }  // a blank line
            let cells: [String]? = bytes.withUnsafeBufferPointer { buffer in
                var cells: [String] = []
                cells.reserveCapacity(cellEnds.count)
                var start = 0
                for end in cellEnds {
                    guard let text = UTF8Text.decode(UnsafeBufferPointer(rebasing: buffer[start..<end])) else {
                        return nil
                    }
                    cells.append(text)
                    start = end
                }
                return cells
            }
            guard let cells else {
                throw ReadError.content(ParseError(.fileEncoding, "The file is not UTF-8 text (it may be Windows-1252 or Latin-1). Save it as \"CSV UTF-8\" and upload it again.", line: startLine))
            }
            return Record(line: startLine, cells: cells)
        }
    }

    private func skipLine() throws(ReadError) {
        while let byte = try stream.next() {
            if byte == UInt8(ascii: "\n") { line += 1; return }
        }
    }

    /// Reads one record into `bytes`/`cellEnds`; false for a blank line.
    ///
    /// The hot loop: runs of ordinary bytes are found in the stream's buffer and copied
    /// at once; only delimiters, quotes and line ends are looked at one by one.
    private func readRecord(startLine: Int) throws(ReadError) -> Bool {
        // Work on locals (moved, not copied) rather than on the object's properties.
        var bytes: [UInt8] = []
        var cellEnds: [Int] = []
        var line = self.line
        swap(&bytes, &self.bytes)
        swap(&cellEnds, &self.cellEnds)
        defer {
            swap(&bytes, &self.bytes)
            swap(&cellEnds, &self.cellEnds)
            self.line = line
        }
        let stream = self.stream
        var quoted = false
        var atCellStart = true
        var sawContent = false
        while true {
            if stream.position == stream.end, try !stream.refill() {
                if quoted {
                    throw ReadError.content(ParseError(.csvUnterminatedQuote, "A quoted cell that starts on this line is never closed. Add the missing closing quote (\").", line: startLine))
                }
                if sawContent || !cellEnds.isEmpty { cellEnds.append(bytes.count) }
                return sawContent || cellEnds.count > 1
            }
            // A run of bytes that need no decision: copied in one go.
            let (runEnd, content) = stream.buffer.withUnsafeBufferPointer { buffer in
                Self.ordinaryRun(buffer, from: stream.position, to: stream.end, quoted: quoted)
            }
            if runEnd > stream.position {
                bytes.append(contentsOf: stream.buffer[stream.position..<runEnd])
                stream.position = runEnd
                if content { sawContent = true }
                atCellStart = false
                if bytes.count > CSVTokenizer.maximumRecordBytes { throw Self.tooLong(startLine) }
                continue
            }
            let byte = stream.buffer[stream.position]
            stream.position += 1
            if byte == 0 {
                throw ReadError.content(ParseError(.fileBinary, "The file contains binary data (a NUL byte), so it is not a CSV, JSON or XML text file. Upload the submission as text.", line: line))
            }
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if try stream.peek() == UInt8(ascii: "\"") {
                        _ = try stream.next()
                        bytes.append(byte)
                    } else {
                        quoted = false
                        let following = try stream.peek()
                        if let following, following != UInt8(ascii: ","), following != UInt8(ascii: "\n"),
                           following != UInt8(ascii: "\r") {
                            throw ReadError.content(ParseError(.csvBadQuote, "A closing quote is followed by more text in the same cell. Double any quote inside a quoted cell (\"\").", line: line))
                        }
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    bytes.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","):
                    cellEnds.append(bytes.count)
                    atCellStart = true
                    sawContent = true
                    continue
                case UInt8(ascii: "\n"):
                    line += 1
                    if sawContent || !cellEnds.isEmpty { cellEnds.append(bytes.count) }
                    return sawContent
                case UInt8(ascii: "\r"):
                    if try stream.peek() == UInt8(ascii: "\n") { continue }
                    line += 1
                    if sawContent || !cellEnds.isEmpty { cellEnds.append(bytes.count) }
                    return sawContent
                case UInt8(ascii: "\"") where atCellStart && bytes.count == (cellEnds.last ?? 0):
                    quoted = true
                    sawContent = true
                default:  // a quote inside an unquoted cell, kept as written
                    bytes.append(byte)
                    sawContent = true
                }
            }
            atCellStart = false
            if bytes.count > CSVTokenizer.maximumRecordBytes { throw Self.tooLong(startLine) }
        }
    }

    /// Where the run of bytes starting at `start` that need no decision ends, and whether
    /// it holds anything but spaces and tabs. Outside quotes the run stops at a comma, a
    /// quote, CR, LF or NUL; inside quotes at a quote, LF (lines are counted) or NUL.
    private static func ordinaryRun(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                    quoted: Bool) -> (Int, Bool) {
        var index = start
        var content = false
        if quoted {
            while index < end {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == 0 { break }
                index += 1
            }
            return (index, index > start)
        }
        while index < end {
            let byte = buffer[index]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\"") || byte == 0 { break }
            if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { content = true }
            index += 1
        }
        return (index, content)
    }

    private static func tooLong(_ line: Int) -> ReadError {
        .content(ParseError(.lineTooLong, "A row is longer than \(CSVTokenizer.maximumRecordBytes / 1024) KB. Check the file is a submission and that every quote is closed.", line: line))
    }
}

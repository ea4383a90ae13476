import Domain

/// A pull parser over a byte stream: reads one JSON value at a time, so a document's
/// records can be handed out one by one without reading the whole file.
final class JSONScanner {
    /// Deepest nesting accepted; deeper input refuses the file instead of exhausting the stack.
    static let maximumDepth = 64
    /// Longest string accepted, in bytes.
    static let maximumStringBytes = 1 << 20

    private let stream: ByteStream
    private(set) var line = 1
    private var scratch: [UInt8] = []

    init(stream: ByteStream) {
        self.stream = stream
    }

    func fail(_ message: String) -> ReadError {
        .content(ParseError(.jsonInvalid, "The file is not valid JSON: \(message). Check it with a JSON validator, or export it again.", line: line))
    }

    /// Skips white space; returns the next byte without consuming it, or `nil` at the end.
    func peekSignificant() throws(ReadError) -> UInt8? {
        while let byte = try stream.peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): _ = try stream.next()
            case UInt8(ascii: "\n"): line += 1; _ = try stream.next()
            default: return byte
            }
        }
        return nil
    }

    /// Consumes `byte` (after white space) or fails.
    func expect(_ byte: UInt8, _ what: String) throws(ReadError) {
        guard try peekSignificant() == byte else {
            throw fail("expected \(what)\(try describeNext())")
        }
        _ = try stream.next()
    }

    /// Consumes `byte` if it is next (after white space).
    func consume(_ byte: UInt8) throws(ReadError) -> Bool {
        guard try peekSignificant() == byte else { return false }
        _ = try stream.next()
        return true
    }

    private func describeNext() throws(ReadError) -> String {
        guard let byte = try stream.peek() else { return " but the file ends" }
        if byte >= 0x20 && byte < 0x7F { return " but found '\(Character(Unicode.Scalar(byte)))'" }
        return ""
    }

    /// Reads one complete value.
    func value(depth: Int = 0) throws(ReadError) -> JSONValue {
        guard depth < JSONScanner.maximumDepth else { throw fail("values are nested too deeply") }
        guard let byte = try peekSignificant() else { throw fail("a value is missing at the end of the file") }
        switch byte {
        case UInt8(ascii: "{"):
            _ = try stream.next()
            var members: [(String, JSONValue)] = []
            if try consume(UInt8(ascii: "}")) { return .object(members) }
            repeat {
                guard try peekSignificant() == UInt8(ascii: "\"") else { throw fail("expected a quoted field name\(try describeNext())") }
                let key = try string()
                try expect(UInt8(ascii: ":"), "':' after a field name")
                members.append((key, try value(depth: depth + 1)))
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"), "',' or '}'")
            return .object(members)
        case UInt8(ascii: "["):
            _ = try stream.next()
            var items: [JSONValue] = []
            if try consume(UInt8(ascii: "]")) { return .array(items) }
            repeat { items.append(try value(depth: depth + 1)) } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"), "',' or ']'")
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true"); return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw fail("unexpected character\(try describeNext())")
        }
    }

    private func literal(_ word: String) throws(ReadError) {
        for byte in word.utf8 {
            guard try stream.next() == byte else { throw fail("expected '\(word)'") }
        }
    }

    private func number() throws(ReadError) -> String {
        scratch.removeAll(keepingCapacity: true)
        while let byte = try stream.peek() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
                 UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                scratch.append(byte)
                _ = try stream.next()
            default:
                return try validatedNumber()
            }
        }
        return try validatedNumber()
    }

    private func validatedNumber() throws(ReadError) -> String {
        // JSON grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        var i = 0
        let n = scratch.count
        func digits() -> Int { let s = i; while i < n, scratch[i] >= 48, scratch[i] <= 57 { i += 1 }; return i - s }
        if i < n, scratch[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let intDigits = digits()
        var ok = intDigits > 0 && !(intDigits > 1 && scratch[intStart] == UInt8(ascii: "0"))
        if ok, i < n, scratch[i] == UInt8(ascii: ".") { i += 1; ok = digits() > 0 }
        if ok, i < n, scratch[i] == UInt8(ascii: "e") || scratch[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, scratch[i] == UInt8(ascii: "+") || scratch[i] == UInt8(ascii: "-") { i += 1 }
            ok = digits() > 0
        }
        guard ok, i == n else { throw fail("a value is neither a number nor text in quotes (put dates and other text in double quotes)") }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Reads a string starting at its opening quote.
    func string() throws(ReadError) -> String {
        _ = try stream.next()
        scratch.removeAll(keepingCapacity: true)
        while true {
            if stream.position == stream.end, try !stream.refill() { throw fail("a string is never closed") }
            // A run of bytes that need no decision, taken from the stream's buffer in one go;
            // a string that lies whole in the buffer becomes text without a copy.
            let start = stream.position, end = stream.end
            let runEnd = stream.buffer.withUnsafeBufferPointer { Self.plainRun($0, from: start, to: end) }
            if scratch.isEmpty, runEnd < end, stream.buffer[runEnd] == UInt8(ascii: "\""), runEnd - start <= JSONScanner.maximumStringBytes {
                stream.position = runEnd + 1
                return try text(stream.buffer.withUnsafeBufferPointer {
                    UTF8Text.decode(UnsafeBufferPointer(rebasing: $0[start..<runEnd]))
                })
            }
            scratch.append(contentsOf: stream.buffer[start..<runEnd])
            stream.position = runEnd
            if runEnd < end {
                let byte = stream.buffer[runEnd]
                stream.position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return try text(UTF8Text.decode(scratch))
                case UInt8(ascii: "\\"):
                    try escape()
                default:
                    if byte == 0 {
                        throw ReadError.content(ParseError(.fileBinary, "The file contains binary data (a NUL byte). Upload the submission as text.", line: line))
                    }
                    throw fail("a string contains an unescaped control character or line break")
                }
            }
            if scratch.count > JSONScanner.maximumStringBytes {
                throw ReadError.content(ParseError(.lineTooLong, "A string is longer than \(JSONScanner.maximumStringBytes / 1024) KB.", line: line))
            }
        }
    }

    /// A string's decoded text, or the encoding error when its bytes were not UTF-8.
    private func text(_ decoded: String?) throws(ReadError) -> String {
        guard let decoded else {
            throw ReadError.content(ParseError(.fileEncoding, "The file is not UTF-8 text. Save it as UTF-8 and upload it again.", line: line))
        }
        return decoded
    }

    /// Where the run of string bytes starting at `start` ends: at a quote, a backslash or
    /// a control character, else at `end`.
    private static func plainRun(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return end
    }

    private func escape() throws(ReadError) {
        guard let byte = try stream.next() else { throw fail("a string is never closed") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard try stream.next() == UInt8(ascii: "\\"), try stream.next() == UInt8(ascii: "u") else {
                    throw fail("a \\u escape is half of a surrogate pair")
                }
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("a \\u escape is half of a surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("a \\u escape names no character") }
            scratch.append(contentsOf: Array(String(unicode).utf8))
        default:
            throw fail("a string has an unknown escape")
        }
    }

    private func hex4() throws(ReadError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try stream.next() else { throw fail("a \\u escape is cut short") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Skips to the end of the current line (NDJSON recovery after a bad line).
    func skipRestOfLine() throws(ReadError) {
        while let byte = try stream.next() {
            if byte == UInt8(ascii: "\n") { line += 1; return }
        }
    }

    /// Consumes spaces and tabs only; true when the line (or file) ends next.
    func atLineEnd() throws(ReadError) -> Bool {
        while let byte = try stream.peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): _ = try stream.next()
            case UInt8(ascii: "\n"): return true
            default: return false
            }
        }
        return true
    }
}

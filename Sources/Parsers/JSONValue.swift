/// A JSON value as read from a submission. Numbers keep their literal text, so a TRN
/// written as a number reads exactly as written.
public indirect enum JSONValue: Hashable, Sendable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)), let (.number(a), .number(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let s): hasher.combine(0); hasher.combine(s)
        case .number(let s): hasher.combine(1); hasher.combine(s)
        case .bool(let b): hasher.combine(b)
        case .null: hasher.combine(3)
        case .array(let a): hasher.combine(a)
        case .object(let o): for (k, v) in o { hasher.combine(k); hasher.combine(v) }
        }
    }

    /// About how many bytes the value holds, for bounding what is kept in memory.
    public var approximateBytes: Int {
        switch self {
        case .string(let s), .number(let s): 16 + s.utf8.count
        case .bool, .null: 16
        case .array(let items): items.reduce(16) { $0 + $1.approximateBytes }
        case .object(let members): members.reduce(16) { $0 + $1.0.utf8.count + $1.1.approximateBytes }
        }
    }

    /// The text a scalar stands for: a string's content, a number's literal, `true`,
    /// `false`; `nil` for null. Arrays and objects give their JSON text.
    public var text: String? {
        switch self {
        case .string(let s), .number(let s): s
        case .bool(let b): b ? "true" : "false"
        case .null: nil
        case .array, .object: JSONWriter.serialise(self)
        }
    }
}

/// Writes JSON text: compact, keys in the order given, strings escaped.
public enum JSONWriter {
    public static func serialise(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    public static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .string(let s): writeString(s, to: &out)
        case .number(let s): out += s
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, item)) in members.enumerated() {
                if i > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(item, to: &out)
            }
            out += "}"
        }
    }

    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        // Only ASCII bytes are escaped, so runs between them are whole characters and are
        // copied in one go.
        var runStart = s.utf8.startIndex
        var index = runStart
        while index != s.utf8.endIndex {
            let byte = s.utf8[index]
            let escaped: String?
            switch byte {
            case UInt8(ascii: "\""): escaped = "\\\""
            case UInt8(ascii: "\\"): escaped = "\\\\"
            case UInt8(ascii: "\n"): escaped = "\\n"
            case UInt8(ascii: "\r"): escaped = "\\r"
            case UInt8(ascii: "\t"): escaped = "\\t"
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                escaped = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped = nil
            }
            let next = s.utf8.index(after: index)
            if let escaped {
                out += s[runStart..<index]
                out += escaped
                runStart = next
            }
            index = next
        }
        out += s[runStart..<index]
        out += "\""
    }
}

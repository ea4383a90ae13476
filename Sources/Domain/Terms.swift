/// A number of induction terms with at most one decimal place, kept in tenths.
public struct Terms: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let tenths: Int

    public init(tenths: Int) { self.tenths = tenths }

    /// The result of reading a submitted number of terms.
    public enum Parsed: Equatable, Sendable {
        case value(Terms)
        /// Not digits with at most one decimal place (`.5`, `1,5`, `3.25`, `three`).
        case malformed
    }

    /// Reads `3`, `3.5`, `16.0`; refuses `.5`, `3.`, `1,5`, `3.25`, signs and letters.
    public static func parse(_ text: some StringProtocol) -> Parsed {
        var whole = 0
        var wholeDigits = 0
        var fraction: Int?
        var sawPoint = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte - UInt8(ascii: "0"))
                if sawPoint {
                    guard fraction == nil else { return .malformed }
                    fraction = digit
                } else {
                    wholeDigits += 1
                    guard wholeDigits <= 6 else { return .malformed }
                    whole = whole * 10 + digit
                }
            case UInt8(ascii: "."):
                guard !sawPoint, wholeDigits > 0 else { return .malformed }
                sawPoint = true
            default:
                return .malformed
            }
        }
        guard wholeDigits > 0, !sawPoint || fraction != nil else { return .malformed }
        return .value(Terms(tenths: whole * 10 + (fraction ?? 0)))
    }

    public static func < (lhs: Terms, rhs: Terms) -> Bool { lhs.tenths < rhs.tenths }

    /// `3` or `3.5`.
    public var description: String {
        tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }
}

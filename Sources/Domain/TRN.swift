/// A teacher reference number: seven digits, kept as an integer.
public struct TRN: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: Int

    public init?(value: Int) {
        guard (0...9_999_999).contains(value) else { return nil }
        self.value = value
    }

    /// Normalises a submitted TRN: spaces and hyphens removed, then 5 to 7 digits,
    /// left-padded with zeros (spreadsheets drop leading zeros). `nil` otherwise.
    @inlinable
    public init?(normalising text: some StringProtocol) {
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 7 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            default:
                return nil
            }
        }
        guard digits >= 5 else { return nil }
        self.value = value
    }

    public static func < (lhs: TRN, rhs: TRN) -> Bool { lhs.value < rhs.value }

    /// Seven digits, zero-padded.
    public var description: String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 7 - text.count)) + text
    }
}

/// A calendar day, stored as the number of days since 1970-01-01 (proleptic Gregorian).
///
/// Every date in ECTBatch is a whole day: no time zones, no clocks, no Foundation
/// formatters on the hot path. Parsing is strict `YYYY-MM-DD`.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    /// The day with these components, or `nil` when they do not name a real date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.ordinal = Day.ordinal(year: year, month: month, day: day)
    }

    /// Parses strict `YYYY-MM-DD` (ten characters, a real calendar date).
    @inlinable
    public init?(iso text: some StringProtocol) {
        var year = 0, month = 0, day = 0
        var count = 0
        for byte in text.utf8 {
            defer { count += 1 }
            if count == 4 || count == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard count < 10, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch count {
            case 0..<4: year = year * 10 + digit
            case 5, 6: month = month * 10 + digit
            default: day = day * 10 + digit
            }
        }
        guard count == 10 else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    /// Year, month and day of month.
    public var components: (year: Int, month: Int, day: Int) {
        // Civil-from-days (H. Hinnant's public-domain algorithm).
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }

    public var year: Int { components.year }

    /// `YYYY-MM-DD`.
    public var iso: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else { return Day.pad(y, 4) + "-" + Day.pad(m, 2) + "-" + Day.pad(d, 2) }
        // Ten ASCII bytes, built in place (a small string: no allocation).
        return String(unsafeUninitializedCapacity: 10) { bytes in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(y, 4, at: 0)
            bytes[4] = UInt8(ascii: "-")
            put(m, 2, at: 5)
            bytes[7] = UInt8(ascii: "-")
            put(d, 2, at: 8)
            return 10
        }
    }

    public var description: String { iso }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> Day { Day(ordinal: ordinal + count) }

    /// The same day of the month `count` months later, or that month's last day when
    /// it is shorter (31 January + 1 month = 28 or 29 February).
    public func adding(months count: Int) -> Day {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + count
        let year = total / 12
        let month = total % 12 + 1
        return Day(ordinal: Day.ordinal(year: year, month: month, day: min(d, Day.daysIn(month: month, year: year))))
    }

    /// Whole years from `self` to `later`, counted on exact dates (a birthday on
    /// 29 February is reached on 1 March in other years).
    public func wholeYears(until later: Day) -> Int {
        let a = components, b = later.components
        var years = b.year - a.year
        if (b.month, b.day) < (a.month, a.day) { years -= 1 }
        return years
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func ordinal(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// Telling, by shape alone, whether a piece of text could be a date of birth or a
/// national insurance number, so that no message, log line or stored text quotes one and
/// no archive copy keeps one under a column name we do not know.
public enum PersonalData {
    /// Whether `text` holds something shaped like a date (`1998-03-16`, `16/03/1998`,
    /// `16.3.98`, `19980316`) or a national insurance number (`AB123456C`, `AB 12 34 56 C`).
    public static func mightBe(_ text: some StringProtocol) -> Bool {
        // Every date and NINO shape has at least four digits: most cells stop here, with
        // no copy (the archive asks this of every cell it keeps).
        var digits = 0, others = 0
        var century: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            if isDigit(byte) {
                if digits == 0 { century.0 = byte } else if digits == 1 { century.1 = byte }
                digits += 1
            } else {
                others += 1
            }
        }
        guard digits >= 4 else { return false }
        // Digits alone (a TRN, a URN): a date only as eight digits starting 19 or 20.
        if others == 0 { return digits == 8 && (century == (0x31, 0x39) || century == (0x32, 0x30)) }
        let bytes = String(text).utf8
        return containsDate(bytes) || containsNINO(bytes)
    }

    /// `"text"`, ready to quote in a message, or `nil` when it might be personal data.
    public static func quoted(_ text: String) -> String? {
        mightBe(text) ? nil : "\"" + text + "\""
    }

    /// Whether a column of this name holds a date of birth or an NI number, by its words:
    /// "DOB", "Birth date", "NI number", "NINO", "National insurance"…
    public static func isPersonalHeader(_ name: String) -> Bool {
        let folded = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " })
        let words = folded.split(separator: " ")
        let joined = words.joined()
        if joined.contains("birth") || joined.contains("nino") || joined.contains("insurance") { return true }
        if words.contains("dob") || joined == "dob" || joined.hasPrefix("dob") { return true }
        if words.first == "ni" || words.contains("ni") && (words.contains("number") || words.contains("no")) { return true }
        return false
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// Three runs of digits (day, month, year in some order) joined by `-`, `/`, `.` or
    /// a space, or eight digits starting 19 or 20.
    private static func containsDate(_ bytes: String.UTF8View) -> Bool {
        // The last three runs' lengths, newest last; 0 for none.
        var runs = (0, 0, 0)
        var run = 0
        var runStart: (UInt8, UInt8) = (0, 0)
        var joined = true  // whether the runs so far were joined by separators
        func shaped() -> Bool {
            let all = [runs.0, runs.1, runs.2]
            return all.allSatisfy { $0 >= 1 && $0 <= 4 } && all.contains { $0 == 4 || $0 == 2 } && runs.1 <= 2
        }
        for byte in bytes {
            if isDigit(byte) {
                if run == 0 { runStart.0 = byte } else if run == 1 { runStart.1 = byte }
                run += 1
                if run == 8, runStart == (0x31, 0x39) || runStart == (0x32, 0x30) { return true }
                continue
            }
            if run > 0 {
                runs = joined ? (runs.1, runs.2, run) : (0, 0, run)
                if shaped() { return true }
            }
            run = 0
            joined = byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") || byte == 0x20
            if !joined { runs = (0, 0, 0) }
        }
        if run > 0 {
            runs = joined ? (runs.1, runs.2, run) : (0, 0, run)
            return shaped()
        }
        return false
    }

    /// Two letters then six digits, spaces allowed between them.
    private static func containsNINO(_ bytes: String.UTF8View) -> Bool {
        var letters = 0, digits = 0
        for byte in bytes where byte != 0x20 {
            if isLetter(byte) {
                letters = digits > 0 ? 1 : min(letters + 1, 2)
                digits = 0
            } else if isDigit(byte), letters == 2 {
                digits += 1
                if digits == 6 { return true }
            } else {
                letters = 0
                digits = 0
            }
        }
        return false
    }
}

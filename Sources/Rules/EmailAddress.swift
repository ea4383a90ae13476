/// The email check of registrations: one `@`, a non-empty local part, a domain of at
/// least two non-empty labels of at most 63 bytes, no `..`, no white space, at most 320
/// bytes; stored lower-cased.
enum EmailAddress {
    /// The address lower-cased, or `nil` when it is not a valid address.
    static func normalised(_ text: String) -> String? {
        var ascii = true
        for byte in text.utf8 where byte >= 0x80 { ascii = false; break }
        return ascii ? normalisedASCII(text) : normalisedUnicode(text)
    }

    /// The common case, byte by byte: for ASCII text, a byte is a character (CR LF, the
    /// one two-byte character, is white space and refused either way).
    static func normalisedASCII(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        guard bytes.count <= 320 else { return nil }
        var ats = 0, localLength = 0, labels = 0, labelLength = 0
        var previous: UInt8 = 0
        for index in bytes.indices {
            var byte = bytes[index]
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                byte += 0x20
                bytes[index] = byte
            case UInt8(ascii: " "), 0x09...0x0D:
                return nil
            default:
                break
            }
            if byte == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return nil }
            if byte == UInt8(ascii: "@") {
                ats += 1
                guard ats == 1 else { return nil }
                labels = 1
                labelLength = 0
            } else if ats == 0 {
                localLength += 1
            } else if byte == UInt8(ascii: ".") {
                guard labelLength > 0 else { return nil }
                labels += 1
                labelLength = 0
            } else {
                labelLength += 1
                guard labelLength <= 63 else { return nil }
            }
            previous = byte
        }
        guard ats == 1, localLength > 0, labels >= 2, labelLength > 0 else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Any text, character by character.
    static func normalisedUnicode(_ text: String) -> String? {
        let email = text.lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let labels = parts.count == 2 ? parts[1].split(separator: ".", omittingEmptySubsequences: false) : []
        let valid = email.utf8.count <= 320 && parts.count == 2 && !parts[0].isEmpty && !email.contains("..")
            && labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && $0.utf8.count <= 63 }
            && !email.contains(where: { $0.isWhitespace })
        return valid ? email : nil
    }
}

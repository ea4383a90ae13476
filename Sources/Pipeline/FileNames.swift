/// Names of the files a run writes, made to fit the file system whatever the input's name.
enum FileNames {
    /// The longest file name (in bytes) Linux file systems hold.
    static let maximumBytes = 255

    /// `stem + suffix`; when that is too long for a file name, the stem is shortened (on a
    /// character boundary) and ends with `~` and eight hex digits of a hash of the whole
    /// name, so that two long names that start alike still get different outputs.
    static func fitting(_ stem: String, _ suffix: String) -> String {
        let whole = stem + suffix
        guard whole.utf8.count > maximumBytes else { return whole }
        let mark = "~" + hex(fnv1a(whole))
        let room = max(0, maximumBytes - suffix.utf8.count - mark.utf8.count)
        var kept = ""
        var bytes = 0
        for scalar in stem.unicodeScalars {
            let size = String(scalar).utf8.count
            if bytes + size > room { break }
            kept.unicodeScalars.append(scalar)
            bytes += size
        }
        return kept + mark + suffix
    }

    /// FNV-1a, 32 bits: stable across runs and machines (unlike `Hasher`).
    private static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

import Crypto
import Parsers

/// The SHA-256 of a file's bytes, as 64 lower-case hex digits.
enum Fingerprint {
    static func sha256(path: String) throws(ReadError) -> String {
        let stream = try ByteStream(path: path)
        var hasher = SHA256()
        while true {
            let chunk = try stream.prefix(1 << 16)
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            stream.skip(chunk.count)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

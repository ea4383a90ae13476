#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Foundation

/// The headers of a tar entry (POSIX.1-2001: ustar, and a pax extended header when the
/// name does not fit ustar's fields or is not ASCII), and reading them back.
enum TarHeader {
    static let block = 512

    /// The bytes the headers of an entry named `name` take: one block, or three or more
    /// with a pax header.
    static func size(name: String) -> Int {
        guard let record = paxRecord(name) else { return block }
        return block + padded(record.count) + block
    }

    /// The headers for an entry of `size` bytes named `name`.
    static func make(name: String, size: Int64, modified: Int64) -> [UInt8] {
        guard let record = paxRecord(name) else {
            return ustar(name: Array(name.utf8), size: size, type: UInt8(ascii: "0"), modified: modified)
        }
        // The pax header's own name, and the ustar name after it, are ASCII stand-ins
        // for readers that do not know pax.
        let fallback = Array(name.utf8.map { $0 < 0x80 ? $0 : UInt8(ascii: "_") }.suffix(99))
        var bytes = ustar(name: Array("PaxHeaders/".utf8) + fallback.suffix(88), size: Int64(record.count),
                          type: UInt8(ascii: "x"), modified: modified)
        bytes += record + [UInt8](repeating: 0, count: padded(record.count) - record.count)
        bytes += ustar(name: fallback, size: size, type: UInt8(ascii: "0"), modified: modified)
        return bytes
    }

    /// `nil` when `name` is ASCII and fits ustar's name field (100 bytes); else the pax
    /// record `"<length> path=<name>\n"`, whose length counts itself.
    static func paxRecord(_ name: String) -> [UInt8]? {
        let bytes = Array(name.utf8)
        guard bytes.count > 100 || bytes.contains(where: { $0 >= 0x80 }) || bytes.isEmpty else { return nil }
        let body = Array(" path=".utf8) + bytes + [UInt8(ascii: "\n")]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
        return Array(String(length).utf8) + body
    }

    private static func padded(_ count: Int) -> Int { (count + block - 1) / block * block }

    private static func ustar(name: [UInt8], size: Int64, type: UInt8, modified: Int64) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: block)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (index, byte) in bytes.enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(Array(name.prefix(100)), at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(modified, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        header[156] = type
        put(Array("ustar".utf8) + [0] + Array("00".utf8), at: 257)
        let sum = header.reduce(0) { $0 + Int64($1) }
        put(octal(sum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return header
    }

    /// A member read back: its name, where its data is, how long it is.
    struct Parsed {
        var name: String
        var type: UInt8
        var size: Int64
    }

    /// Reads one ustar header; `nil` for a zero block (the end) or a block that is not a
    /// header (bad checksum: the end of what a stopped writer left).
    static func parse(_ header: ArraySlice<UInt8>) -> Parsed? {
        guard header.count == block, header.contains(where: { $0 != 0 }) else { return nil }
        let base = header.startIndex
        func field(_ offset: Int, _ length: Int) -> ArraySlice<UInt8> {
            let bytes = header[(base + offset)..<(base + offset + length)]
            return bytes.prefix { $0 != 0 }
        }
        func number(_ offset: Int, _ length: Int) -> Int64? {
            let text = String(decoding: field(offset, length), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return Int64(text, radix: 8)
        }
        var sum: Int64 = 0
        for (index, byte) in header.enumerated() { sum += Int64((148..<156).contains(index) ? UInt8(ascii: " ") : byte) }
        guard let stored = number(148, 8), stored == sum, let size = number(124, 12), size >= 0 else { return nil }
        var name = String(decoding: field(0, 100), as: UTF8.self)
        let prefix = field(345, 155)
        if !prefix.isEmpty { name = String(decoding: prefix, as: UTF8.self) + "/" + name }
        return Parsed(name: name, type: header[base + 156], size: size)
    }

    /// The `path` of a pax header's records.
    static func paxPath(_ records: [UInt8]) -> String? {
        var rest = records[...]
        while let space = rest.firstIndex(of: UInt8(ascii: " ")),
              let length = Int(String(decoding: rest[rest.startIndex..<space], as: UTF8.self)), length > 0,
              length <= rest.count {
            let record = rest[(space + 1)..<(rest.startIndex + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")),
               String(decoding: record[record.startIndex..<equals], as: UTF8.self) == "path" {
                return String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            rest = rest[(rest.startIndex + length)...]
        }
        return nil
    }
}

import Domain
import Foundation
import Testing
@testable import Reports
import TestSupport

@Suite("The archive bundle (tar)")
struct TarBundleTests {
    let folder = Scratch.path("ect-tar")

    /// Entries whose names cover ustar's field (short), a pax header (over 100 bytes) and
    /// non-ASCII names; their data cover empty, exactly one block, and several blocks.
    static let entries: [(String, [UInt8])] = [
        ("schools/100001/a.csv", Array("TRN,First name\r\n1234567,Zoë\r\n".utf8)),
        ("schools/100001/" + String(repeating: "long-name-", count: 20) + ".csv", Array(repeating: 0x41, count: 512)),
        ("trusts/4001/Zoë's registrations é.json", Array("{\"records\":[]}".utf8)),
        ("appropriate-bodies/AB001/empty.csv", []),
        ("appropriate-bodies/AB001/big.ndjson", (0..<70_000).map { UInt8(truncatingIfNeeded: $0 % 251) }),
    ]

    func write(_ path: String, _ entries: [(String, [UInt8])]) throws -> TarBundle {
        let bundle = try TarBundle(creating: path, modified: 1_790_000_000)
        for (name, data) in entries {
            let entry = bundle.append(name)
            // In pieces, as the row writers write.
            for piece in stride(from: 0, to: data.count, by: 1000) {
                try entry.write(bytes: Array(data[piece..<min(piece + 1000, data.count)]))
            }
            try entry.commit()
            #expect(entry.length % 512 == 0 && bundle.end == entry.offset + entry.length)
        }
        return bundle
    }

    @Test("entries read back by name with their bytes, here and by the system's tar")
    func roundTrip() throws {
        let path = folder + "/2026-11-20/run.tar"
        try write(path, Self.entries).close()
        let members = try TarReader.members(path: path)
        #expect(members.map(\.name) == Self.entries.map(\.0))
        for (member, (_, data)) in zip(members, Self.entries) {
            #expect(try TarReader.data(path: path, of: member) == data)
        }
        // GNU tar lists the same names and extracts the same bytes, without a complaint.
        let listed = try Command.run("/usr/bin/env", ["tar", "-tf", path])
        #expect(listed.status == 0 && listed.output == Self.entries.map { $0.0 + "\n" }.joined())
        let out = folder + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let extracted = try Command.run("/usr/bin/env", ["tar", "-xf", path, "-C", out])
        #expect(extracted.status == 0, "\(extracted.output)")
        for (name, data) in Self.entries {
            #expect(FileManager.default.contents(atPath: out + "/" + name) == Data(data), "\(name)")
        }
        #expect(try TarBundle.isSealed(path: path, end: members.last!.offset + members.last!.length))
    }

    @Test("an entry discarded, sealed or not, leaves nothing; the next entry takes its place")
    func discard() throws {
        let path = folder + "/discard.tar"
        let bundle = try write(path, Array(Self.entries.prefix(1)))
        let kept = bundle.end
        let unsealed = bundle.append("schools/100001/b.csv")
        try unsealed.write("half a file")
        try unsealed.flush()
        unsealed.discard()
        #expect(bundle.end == kept)
        let sealed = bundle.append("schools/100001/c.csv")
        try sealed.write("a whole file whose transaction failed")
        try sealed.commit()
        #expect(bundle.end > kept)
        sealed.discard()
        #expect(bundle.end == kept)
        let next = bundle.append("schools/100001/d.csv")
        try next.write("the next file")
        try next.commit()
        try bundle.close()
        #expect(try TarReader.members(path: path).map(\.name) == ["schools/100001/a.csv", "schools/100001/d.csv"])
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(Int64(size) == bundle.end + 1024)
    }

    @Test("sealing a bundle a kill left cuts what follows the entries the store knows of, once")
    func seal() throws {
        let path = folder + "/killed.tar"
        let bundle = try write(path, Array(Self.entries.prefix(3)))
        let members = try TarReader.members(path: path)
        // A kill: one entry committed to the store, one sealed but not committed, one half-written.
        let known = members[0].offset + members[0].length
        let half = bundle.append("schools/100001/half.csv")
        try half.write(String(repeating: "x", count: 100_000))
        try half.flush()
        #expect(try !TarBundle.isSealed(path: path, end: known))
        try TarBundle.seal(path: path, end: known)
        #expect(try TarReader.members(path: path).map(\.name) == [Self.entries[0].0])
        #expect(try TarBundle.isSealed(path: path, end: known))
        #expect(try Command.run("/usr/bin/env", ["tar", "-tf", path]).output == Self.entries[0].0 + "\n")
        // A bundle with nothing the store knows of is removed.
        try TarBundle.seal(path: path, end: 0)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a header with a wrong checksum, or a member cut short, ends the reading")
    func damaged() throws {
        let path = folder + "/damaged.tar"
        try write(path, Array(Self.entries.prefix(2))).close()
        var bytes = try #require(FileManager.default.contents(atPath: path))
        let second = try TarReader.members(path: path)[1]
        bytes[Int(second.offset) + 10] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try TarReader.members(path: path).map(\.name) == [Self.entries[0].0])
        try bytes.prefix(Int(second.offset) + 700).write(to: URL(fileURLWithPath: path))
        #expect(try TarReader.member(path: path, at: second.offset) == nil)
    }

    @Test("a bundle already there is never written over")
    func existing() throws {
        let path = folder + "/existing.tar"
        try write(path, Array(Self.entries.prefix(1))).close()
        #expect(throws: SystemError.self) { try TarBundle(creating: path, modified: 0) }
        #expect(try TarReader.members(path: path).count == 1)
    }
}

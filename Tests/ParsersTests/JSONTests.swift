import Foundation
import Domain
import Testing
@testable import Parsers

@Suite("JSON and NDJSON reading")
struct JSONTests {
    @Test("a document with kind and records")
    func document() throws {
        let r = try reader(#"{"kind": "claims", "records": [{"trn": "1234567", "date_of_birth": "1990-01-01"}, {"trn": 2345678}]}"#, name: "a.json")
        let read = try rows(r)
        #expect(r.declaredKind == "claims")
        #expect(values(read) == [["1234567", "1990-01-01"], ["2345678"]])
        #expect(read.map(\.number) == [1, 2])
        #expect(read[1].input[.trn] == "2345678")
    }

    @Test("the kind may come after the records")
    func kindLast() throws {
        let r = try reader(#"{"records": [{"trn": "1"}], "kind": "actions"}"#, name: "a.json")
        #expect(try rows(r).count == 1)
        #expect(r.declaredKind == "actions")
    }

    @Test("a bare array; strings with escapes; numbers kept as written")
    func array() throws {
        let r = try reader(#"[{"name": "Zo\u00eb \"Z\"\n", "number_of_terms": 3.5, "x": null, "y": true}]"#, name: "a.json")
        let row = try #require(try rows(r).first)
        #expect(row.cells[0].value == .string("Zoë \"Z\"\n"))
        #expect(row.input[.numberOfTerms] == "3.5")
        #expect(row.cells[2].value == .null && row.cells[3].value == .bool(true))
    }

    @Test("a record that is not an object is rejected on its own")
    func notAnObject() throws {
        let read = try rows(try reader(#"[{"trn": "1"}, 5, {"trn": "2"}]"#, name: "a.json"))
        #expect(read.map { $0.problem?.code } == [nil, .jsonNotRecord, nil])
    }

    @Test("invalid JSON refuses the file with its line", arguments: [
        "[{\"trn\": \"1\"},\n{\"trn\": }]", "[{\"trn\": \"1\"}", "{\"records\": [{}]} trailing", "[{\"a\": 01}]", "[{'a': 1}]",
    ])
    func invalid(_ text: String) throws {
        let r = try reader(text, name: "a.json")
        #expect { try rows(r) } throws: { ($0 as? ReadError)?.content?.code == .jsonInvalid }
    }

    @Test("deep nesting is refused, not a crash")
    func deep() throws {
        let r = try reader("[" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "]", name: "a.json")
        #expect { try rows(r) } throws: { ($0 as? ReadError)?.content?.code == .jsonInvalid }
    }

    @Test("NDJSON: one record a line, a bad line rejected alone")
    func ndjson() throws {
        let r = try reader("{\"kind\":\"claims\",\"trn\":\"1\"}\n\n{\"trn\": \n{\"trn\":\"3\"}\n", name: "a.ndjson")
        let read = try rows(r)
        #expect(r.declaredKind == "claims")
        #expect(read.map(\.number) == [1, 3, 4])
        #expect(read.map { $0.problem?.code } == [nil, .jsonInvalid, nil])
        #expect(read[2].input[.trn] == "3")
    }
}

@Suite("Reference and TRS files")
struct ReferenceTests {
    @Test("a GIAS download loads by header, other columns ignored")
    func schools() throws {
        let path = FileManagerShim.write("Postcode,Trusts (code),URN,EstablishmentName,LA (code)\nAB1,4001,100001,Riverside,201\nAB2,,100002,Hillside,202\n")
        let schools = try ReferenceReader.schools(path: path).values
        #expect(schools.map(\.urn) == ["100001", "100002"])
        #expect(schools.map(\.trustUID) == ["4001", nil])
        #expect(schools[0].localAuthorityCode == "201")
    }

    @Test("a missing required header is refused")
    func missingHeader() {
        let path = FileManagerShim.write("id,title\nAB1,x\n")
        #expect { try ReferenceReader.appropriateBodies(path: path) } throws: { ($0 as? ReadError)?.content?.code == .fileUnknownKind }
    }

    @Test("the TRS extract reads every status and skips bad lines")
    func trs() throws {
        let header = TRSExtractReader.headers.joined(separator: ",")
        let path = FileManagerShim.write("""
            \(header)
            1234567,Ada,,Lovelace,1990-01-01,qq 12 34 56 c,2021-07-01,Passed,,,true,,
            2345678,Bo,,Diddley,1991-01-01,,,,,,false,merged,1234567
            x,bad,,line,,,,,,,,,
            3456789,Cy,,Twombly,1992-01-01,,,InProgress,,,false,deactivated,
            """)
        let extract = try TRSExtractReader.read(path: path)
        #expect(extract.records.count == 3)
        #expect(extract.skipped.count == 1)
        #expect(extract.records[0].inductionStatus == .passed)
        #expect(extract.records[0].prohibitedFromTeaching)
        #expect(extract.records[0].nationalInsuranceNumber == "QQ123456C")
        #expect(extract.records[1].recordStatus == .merged(into: TRN(value: 1_234_567)))
        #expect(extract.records[1].qtsAwardDate == nil)
        #expect(extract.records[2].recordStatus == .deactivated)
    }

    /// Strings that exercise every escape, characters of several bytes, a quote followed
    /// by a combining mark (one character, two scalars) and a CR LF pair.
    static let awkward = ["", "plain", "Zo\u{eb} \"Z\"\n", "a\\b/c", "\"\u{301}x", "x\r\ny", "\u{1}\u{1F}\t", "\u{1F600}\u{7F}",
                          String(repeating: "\u{e9}", count: 40) + "\"" + String(repeating: "z", count: 30)]

    @Test("strings are written as JSON that reads back the same", arguments: awkward)
    func writeReadsBack(_ text: String) throws {
        var json = ""
        JSONWriter.writeString(text, to: &json)
        #expect(!json.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "no raw control character in \(json)")
        let read = try JSONScanner(stream: ByteStream(bytes: Array(json.utf8))).value()
        #expect(read == .string(text))
    }

    @Test("escapes are written the short way where JSON has one")
    func writtenEscapes() {
        #expect(JSONWriter.serialise(.string("\"\u{301}\\\n\r\t\u{1}é")) == #""\"\#u{301}\\\n\r\t\u0001é""#)
    }

    @Test("strings split across the read buffer read whole", arguments: [1, 2, 3, 7, 64])
    func acrossBuffer(_ capacity: Int) throws {
        var json = "["
        for (index, text) in Self.awkward.enumerated() {
            if index > 0 { json += ", " }
            JSONWriter.writeString(text, to: &json)
        }
        json += "]"
        let stream = try ByteStream(path: FileManagerShim.write(json, name: "a.json"), capacity: capacity)
        let read = try JSONScanner(stream: stream).value()
        #expect(read == .array(Self.awkward.map(JSONValue.string)))
    }

    @Test("a string that is not UTF-8 is refused as an encoding problem, whole or split", arguments: [3, 64])
    func notUTF8(_ capacity: Int) throws {
        let path = FileManagerShim.write("", name: "a.json")
        try Data([UInt8(ascii: "\""), 0x61, 0xC3, 0x28, 0x62, UInt8(ascii: "\"")]).write(to: URL(fileURLWithPath: path))
        #expect { try JSONScanner(stream: ByteStream(path: path, capacity: capacity)).value() } throws: {
            ($0 as? ReadError)?.content?.code == .fileEncoding
        }
    }

    @Test("bytes decode to text only when they are UTF-8; ASCII takes the short way",
          arguments: [([0x61, 0x62], "ab"), ([], ""), ([0xC3, 0xA9], "é"), ([0x61, 0xC3], nil), ([0xC3, 0x28], nil),
                      ([0xED, 0xA0, 0x80], nil), ([0xF0, 0x9F, 0x98, 0x80], "😀"), ([0x7F, 0x00], "\u{7F}\u{0}")] as [([UInt8], String?)])
    func utf8(_ bytes: [UInt8], _ expected: String?) {
        #expect(UTF8Text.decode(bytes) == expected)
    }
}

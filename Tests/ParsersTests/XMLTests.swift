import Domain
import Foundation
import Testing
@testable import Parsers

@Suite("Legacy XML and UTF-16")
struct XMLTests {
    func xml(_ text: String) throws -> SubmissionReader {
        try SubmissionReader(path: FileManagerShim.write(text, name: "legacy.xml"))
    }

    @Test("a value in a CDATA section is read as text: no record vanishes")
    func cdata() throws {
        let r = try xml("<submission kind=\"claims\"><record><trn><![CDATA[3000001]]></trn><induction_programme>school<![CDATA[-led & <b>]]></induction_programme></record><record><trn>3000002</trn></record></submission>")
        let first = try #require(try r.next())
        #expect(first.input[.trn] == "3000001")
        #expect(first.input[.inductionProgramme] == "school-led & <b>")
        #expect(try r.next()?.input[.trn] == "3000002")
        #expect(try r.next() == nil)
    }

    @Test("records are read with the template's columns, in its order")
    func records() throws {
        let r = try xml("""
            <?xml version="1.0" encoding="UTF-8"?>
            <submission kind="claims">
              <record><induction_period_start_date>2026-09-01</induction_period_start_date><trn>1234567</trn>
                <date_of_birth>1990-01-01</date_of_birth><induction_programme>fip &amp; more</induction_programme></record>
              <record><trn> 2345678 </trn></record>
            </submission>
            """)
        #expect(r.format == .xml)
        #expect(r.declaredKind == "claims")
        #expect(r.header == ["TRN", "Date of birth", "Induction programme", "Induction period start date"])
        let read = try rows(r)
        #expect(values(read) == [["1234567", "1990-01-01", "fip & more", "2026-09-01"], [" 2345678 ", "", "", ""]])
        #expect(read.map(\.number) == [1, 2])
        #expect(read[1].input[.trn] == "2345678")
    }

    @Test("reopening reads the same rows from the one conversion, which goes with the last reader")
    func reopened() throws {
        let path = FileManagerShim.write("""
            <submission kind="extensions"><record><trn>1234567</trn><number_of_terms>2</number_of_terms></record>
            <record><trn>2345678</trn></record></submission>
            """, name: "legacy.xml")
        var first: SubmissionReader? = try SubmissionReader(path: path)
        let firstRows = try rows(first!)
        weak let converted = try #require(Mirror(reflecting: first!).descendant("converted") as? XMLConverter.Converted)
        var second: SubmissionReader? = try first!.reopened()
        #expect((Mirror(reflecting: second!).descendant("converted") as? XMLConverter.Converted) === converted)
        let secondRows = try rows(second!)
        #expect(values(secondRows) == values(firstRows))
        #expect(secondRows.map(\.number) == firstRows.map(\.number))
        #expect(second!.header == first!.header)
        let temporary = try #require(converted?.path)
        first = nil
        #expect(FileManager.default.fileExists(atPath: temporary), "the second reader still uses it")
        second = nil
        #expect(!FileManager.default.fileExists(atPath: temporary))
    }

    @Test("the conversion goes in the folder the caller names, and goes with the reader")
    func scratchFolder() throws {
        let path = FileManagerShim.write("<submission kind=\"extensions\"><record><trn>1234567</trn></record></submission>",
                                         name: "legacy.xml")
        let scratch = (path as NSString).deletingLastPathComponent + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var reader: SubmissionReader? = try SubmissionReader(path: path, scratch: scratch)
        #expect(try rows(reader!).count == 1)
        let made = try FileManager.default.contentsOfDirectory(atPath: scratch)
        #expect(made.count == 1 && made[0].hasSuffix(".ndjson"))
        reader = nil
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
    }

    @Test("a UTF-16 file reopens from its path")
    func reopenedUTF16() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "TRN,Date of birth,Number of terms\n1234567,1990-01-01,2\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let path = FileManagerShim.write("", name: "utf16.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try SubmissionReader(path: path)
        #expect(values(try rows(try reader.reopened())) == values(try rows(reader)))
    }

    @Test("without a kind attribute the kind comes from the elements")
    func detectedKind() throws {
        let r = try xml("<submission><record><trn>1</trn><note>hi</note><date_of_birth>x</date_of_birth><number_of_terms>2</number_of_terms></record></submission>")
        #expect(r.header == ["TRN", "Date of birth", "Number of terms", "Extension ID", "note"])
        #expect(values(try rows(r)) == [["1", "x", "2", "", "hi"]])
    }

    @Test("entity declarations are refused: billion laughs and external entities", arguments: [
        """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <submission kind="claims"><record><trn>&lol3;</trn></record></submission>
        """,
        """
        <?xml version="1.0"?><!DOCTYPE s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <submission kind="claims"><record><trn>&xxe;</trn></record></submission>
        """,
    ])
    func entities(_ text: String) {
        #expect { try xml(text) } throws: { ($0 as? ReadError)?.content?.code == .xmlDoctype }
    }

    @Test("a declaration after a long comment is still refused")
    func lateDoctype() {
        let text = "<!--" + String(repeating: "x", count: 5000) + "--><!DOCTYPE s [<!ENTITY a \"b\">]><submission><record><trn>&a;</trn></record></submission>"
        #expect { try xml(text) } throws: { error in
            let code = (error as? ReadError)?.content?.code
            return code == .xmlDoctype || code == .xmlInvalid
        }
    }

    @Test("malformed XML is refused with its line", arguments: [
        "<submission kind=\"claims\"><record><trn>1</record></submission>",
        "<submission kind=\"claims\"><record><trn>1</trn></record>",
        "<submission>&undefined;</submission>",
    ])
    func malformed(_ text: String) {
        #expect { try xml(text) } throws: { ($0 as? ReadError)?.content?.code == .xmlInvalid }
    }

    @Test("UTF-16 with a byte order mark is read correctly, in either byte order", arguments: [true, false])
    func utf16(_ littleEndian: Bool) throws {
        let text = "TRN,Name\r\n1234567,Zoë Ōtake\r\n"
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in text.utf16 {
            bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let read = try rows(try reader(bytes: bytes))
        #expect(values(read) == [["1234567", "Zoë Ōtake"]])
    }

    @Test("broken UTF-16 is refused, not mangled")
    func brokenUTF16() {
        // A lone high surrogate.
        #expect { try reader(bytes: [0xFF, 0xFE, 0x54, 0x00, 0x00, 0xD8, 0x41, 0x00]) } throws: { ($0 as? ReadError)?.content?.code == .fileEncoding }
    }
}

@Suite("UTF-16 XML")
struct UTF16XMLTests {
    @Test("valid UTF-16 XML with a byte order mark is read, its declaration saying UTF-16 or not", arguments: [true, false])
    func utf16Read(_ declared: Bool) throws {
        let declaration = declared ? "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" : ""
        let text = declaration + "<submission kind=\"claims\"><record><trn>3000001</trn><induction_programme>Zoë’s</induction_programme></record></submission>\n"
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let path = FileManagerShim.write("", name: "u16.xml")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try SubmissionReader(path: path)
        #expect(reader.format == .xml)
        let row = try #require(try reader.next())
        #expect(row.input[.trn] == "3000001" && row.input[.inductionProgramme] == "Zoë’s")
        #expect(try reader.next() == nil)
    }

    @Test("a declaration in UTF-16 XML is found too")
    func utf16Doctype() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE s [<!ENTITY a \"b\">]><submission><record><trn>&a;</trn></record></submission>"
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let path = FileManagerShim.write("", name: "u.xml")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect { try SubmissionReader(path: path) } throws: { ($0 as? ReadError)?.content?.code == .xmlDoctype }
    }
}

@Suite("Found by fuzzing")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz").path

    /// The fuzz input `name` as a file called `fileName` (its first byte picks the name in
    /// the fuzzer; the rest is the file).
    func replay(_ name: String, as fileName: String) throws -> String {
        let input = try #require(FileManager.default.contents(atPath: Self.folder + "/" + name))
        let path = FileManagerShim.write("", name: fileName)
        try Data(input.dropFirst()).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("XML whose comment is not UTF-8 is refused, not a crash")
    func invalidUTF8InComment() throws {
        let path = try replay("xml-comment-invalid-utf8.bin", as: "c.xml")
        #expect { try SubmissionReader(path: path) } throws: { error in
            (error as? ReadError)?.content == ParseError(.fileEncoding, "The XML is not UTF-8 text. Save it as UTF-8 and upload it again.", line: 2)
        }
    }

    @Test("a workbook whose part is not UTF-8 is refused, not a crash in FoundationXML")
    func workbookPartNotUTF8() throws {
        let path = try replay("xlsx-part-invalid-utf8.bin", as: "w.xlsx")
        #expect { try SubmissionReader(path: path) } throws: { ($0 as? ReadError)?.content?.code == .fileEncoding }
    }

    static let utf8Cases: [([UInt8], Int?)] = [
        (Array("a\nb\nc".utf8), nil), (Array("a\nb\n".utf8) + [0xC3], 3), (Array("é\n".utf8) + [0xE2, 0x82], 2),
        ([0x41, 0x0A, 0xFF], 2), (Array(String(repeating: "é", count: 40_000).utf8) + [0x0A, 0xED, 0xA0, 0x80], 2),
        (Array(("a" + String(repeating: "é", count: 40_000)).utf8), nil),
    ]

    @Test("XML with an empty processing instruction is refused, not a crash")
    func emptyProcessingInstruction() throws {
        let path = try replay("xml-empty-processing-instruction.bin", as: "p.xml")
        #expect { try SubmissionReader(path: path) } throws: { ($0 as? ReadError)?.content?.code == .xmlInvalid }
    }

    @Test("only the XML declaration at the start may use <?", arguments: [
        ("<?xml version=\"1.0\"?><submission/>", nil as Int?), ("<submission/>", nil),
        (" <?xml version=\"1.0\"?><submission/>", 1), ("<?xml version=\"1.0\"?>\n<?pi data?><submission/>", 2),
        ("<?xmlfoo?><submission/>", 1), ("<submission>\n<!-- <? -->\n</submission>", 2),
    ])
    func processingInstructions(_ text: String, _ line: Int?) throws {
        #expect(try XMLConverter.firstProcessingInstructionLine(ByteStream(bytes: Array(text.utf8))) == line)
    }

    @Test("the UTF-8 check finds the line of the first bad byte, across buffer boundaries", arguments: utf8Cases)
    func utf8Lines(_ bytes: [UInt8], _ line: Int?) throws {
        #expect(try XMLConverter.firstInvalidUTF8Line(ByteStream(bytes: bytes)) == line)
    }
}

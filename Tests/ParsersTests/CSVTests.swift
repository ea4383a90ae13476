import Domain
import Testing
@testable import Parsers

func reader(_ text: String, name: String = "f.csv") throws -> SubmissionReader {
    try SubmissionReader(stream: ByteStream(bytes: Array(text.utf8)), fileName: name)
}

func reader(bytes: [UInt8], name: String = "f.csv") throws -> SubmissionReader {
    try SubmissionReader(stream: ByteStream(bytes: bytes), fileName: name)
}

func rows(_ reader: SubmissionReader) throws -> [SourceRow] {
    var rows: [SourceRow] = []
    while let row = try reader.next() { rows.append(row) }
    return rows
}

/// The cell values of each row.
func values(_ rows: [SourceRow]) -> [[String]] {
    rows.map { $0.cells.map { $0.value.text ?? "<null>" } }
}

@Suite("CSV reading")
struct CSVTests {
    @Test("quotes, doubled quotes, commas and line breaks inside quotes")
    func quoting() throws {
        let r = try reader("TRN,Name\n\"1234567\",\"O\"\"Brien, Ann\"\n2345678,\"two\nlines\"\n")
        #expect(values(try rows(r)) == [["1234567", "O\"Brien, Ann"], ["2345678", "two\nlines"]])
    }

    @Test("CRLF, a byte order mark, comments and blank lines")
    func layout() throws {
        let r = try reader(bytes: [0xEF, 0xBB, 0xBF] + Array("# a comment\r\nTRN,Email\r\n\r\n1234567,a@b.cc\r\n# more\r\n\r\n2345678,c@d.ee".utf8))
        let read = try rows(r)
        #expect(r.header == ["TRN", "Email"])
        #expect(values(read) == [["1234567", "a@b.cc"], ["2345678", "c@d.ee"]])
        #expect(read.map(\.number) == [4, 7])
    }

    @Test("row numbers are the line a record starts on")
    func lineNumbers() throws {
        let read = try rows(try reader("TRN,Name\n1,\"a\nb\"\n2,c\n"))
        #expect(read.map(\.number) == [2, 4])
    }

    @Test("headers in any order and case; result columns dropped; extra columns kept")
    func headers() throws {
        let r = try reader(" date OF birth ,trn,Notes,Status,Errors,Error message\n1990-01-01,1234567,hi,rejected,x,y\n")
        #expect(r.header == ["date OF birth", "trn", "Notes"])
        #expect(r.headerFields == [.dateOfBirth, .trn])
        let row = try #require(try rows(r).first)
        #expect(row.input[.trn] == "1234567")
        #expect(row.input[.dateOfBirth] == "1990-01-01")
        #expect(row.cells.map(\.key) == ["date OF birth", "trn", "Notes"])
    }

    @Test("short rows are padded; long rows are flagged unless the extra cells are empty")
    func ragged() throws {
        let read = try rows(try reader("TRN,Name\n1234567\n2345678,b,,\n3456789,c,oops\n"))
        #expect(values(read) == [["1234567", ""], ["2345678", "b"], ["3456789", "c"]])
        #expect(read[0].problem == nil && read[1].problem == nil)
        #expect(read[2].problem?.code == .csvTooManyCells)
    }

    @Test("an unterminated quote refuses the file at the line it opens")
    func unterminated() throws {
        let r = try reader("TRN,Name\n1234567,ok\n2345678,\"never closed\n3,x\n")
        #expect(try r.next()?.cells.first?.value.text == "1234567")
        #expect(throws: ReadError.content(ParseError(.csvUnterminatedQuote, "A quoted cell that starts on this line is never closed. Add the missing closing quote (\").", line: 3))) {
            try r.next()
        }
    }

    @Test("text after a closing quote is refused")
    func strayQuote() throws {
        let r = try reader("TRN,Name\n1,\"a\"b\n")
        #expect { try r.next() } throws: { ($0 as? ReadError)?.content?.code == .csvBadQuote }
    }

    @Test("Windows-1252 bytes are refused, never mangled")
    func encoding() throws {
        let r = try reader(bytes: Array("TRN,Name\n1234567,Ren".utf8) + [0xE9, 0x0A])
        #expect { try r.next() } throws: { ($0 as? ReadError)?.content?.code == .fileEncoding }
    }

    @Test("a header naming the same field twice is refused")
    func duplicateColumn() {
        #expect { try reader("TRN,trn\n1,2\n") } throws: { ($0 as? ReadError)?.content?.code == .csvDuplicateColumn }
    }

    @Test("a record longer than the limit is refused")
    func longLine() throws {
        let r = try reader("TRN,Name\n1," + String(repeating: "x", count: CSVTokenizer.maximumRecordBytes + 10) + "\n")
        #expect { try r.next() } throws: { ($0 as? ReadError)?.content?.code == .lineTooLong }
    }

    @Test("a row of empty cells is blank")
    func blankRow() throws {
        let read = try rows(try reader("TRN,Name\n , \n1,a\n"))
        #expect(read.first?.isBlank == true)
        #expect(read.last?.isBlank == false)
    }

    @Test("reading works across buffer boundaries")
    func smallBuffer() throws {
        var text = "TRN,Name\n"
        for i in 0..<500 { text += "\(1_000_000 + i),\"name \"\"\(i)\"\", x\"\r\n" }
        let path = FileManagerShim.write(text)
        let r = try SubmissionReader(stream: ByteStream(path: path, capacity: 7), fileName: "x.csv")
        let read = try rows(r)
        #expect(read.count == 500)
        #expect(read[499].cells[1].value.text == "name \"499\", x")
    }
}

@Suite("Format detection")
struct SnifferTests {
    @Test("formats are told from content", arguments: [
        ("TRN,Name\n", "a.txt", FileFormat.csv), ("[{\"trn\":1}]", "a.csv", .json), ("{\"records\":[]}", "a", .json),
        ("{\"trn\":1}\n{\"trn\":2}\n", "a.txt", .ndjson), ("{\"trn\":1}", "a.jsonl", .ndjson), ("<submission/>", "a", .xml),
    ])
    func formats(_ text: String, _ name: String, _ format: FileFormat) throws {
        #expect(try FormatSniffer.detect(sample: Array(text.utf8), fileName: name).format == format)
    }

    @Test("empty and binary files are refused", arguments: [
        ([UInt8](), ErrorCode.fileEmpty), (Array("  \n\n".utf8), .fileEmpty), ([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00], .fileBinary),
    ])
    func refused(_ bytes: [UInt8], _ code: ErrorCode) {
        #expect { try FormatSniffer.detect(sample: bytes, fileName: "x.csv") } throws: { ($0 as? ReadError)?.content?.code == code }
    }
}

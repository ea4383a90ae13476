import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads legacy XML submissions — `<submission kind="..."><record><trn>…</trn>…</record></submission>`
/// — with libxml2's streaming parser, writing each record as one JSON line to a temporary
/// file, so memory stays bounded however large the file.
///
/// A document type declaration is refused outright: without one, no entity can be
/// declared, so neither entity expansion ("billion laughs") nor external entities (which
/// could read local files) can happen.
enum XMLConverter {
    /// A converted document, shared by the readers of one file.
    final class Converted {
        /// The temporary NDJSON file; removed when the last reader using it is gone.
        let path: String
        let kind: String?
        /// The fields named by any record, in the order first seen.
        let keys: [String]

        init(path: String, kind: String?, keys: [String]) {
            self.path = path
            self.kind = kind
            self.keys = keys
        }

        deinit { unlink(path) }
    }

    /// `bytes` opens a fresh stream of the file's bytes, for the checks made before parsing.
    /// `scratch` is the folder for the converted rows (the system's temporary folder when nil).
    static func convert(_ input: InputStream, bytes: () throws(ReadError) -> ByteStream,
                        scratch: String?) throws(ReadError) -> Converted {
        try checkBeforeParsing(bytes, what: "The XML")
        let folder = scratch ?? FileManager.default.temporaryDirectory.path
        let path = folder + "/ect-xml-\(UUID().uuidString).ndjson"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .system(.last(.create, path)) }
        let delegate = Delegate(output: descriptor, path: path)
        let parser = XMLParser(stream: input)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        let parsed = parser.parse()
        delegate.flush()
        close(descriptor)
        if let failure = delegate.failure {
            unlink(path)
            throw .system(failure)
        }
        if let problem = delegate.problem {
            unlink(path)
            throw .content(problem)
        }
        guard parsed, delegate.sawRoot, delegate.depth == 0 else {
            unlink(path)
            let detail = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "it is not well-formed"
            throw ReadError.content(ParseError(.xmlInvalid, "The file is not valid XML (\(detail.trimmingSpaces())). Check it with an XML validator, or send CSV.", line: parser.lineNumber))
        }
        return Converted(path: path, kind: delegate.kind, keys: delegate.keys)
    }

    /// What must be true of XML before FoundationXML sees it (`bytes` opens a fresh stream
    /// of it each time; `what` names it in messages): no document type declaration (so no
    /// entity can be declared or read); no processing instruction but the XML declaration
    /// (FoundationXML crashes on one without data); UTF-8 throughout (FoundationXML traps
    /// on text that is not, in a comment or an element name). Found by fuzzing.
    static func checkBeforeParsing(_ bytes: () throws(ReadError) -> ByteStream, what: String) throws(ReadError) {
        if try declaresDocumentType(try bytes()) {
            throw ReadError.content(ParseError(.xmlDoctype, "\(what) has a document type declaration (<!DOCTYPE …>), which is not accepted. Remove it: submissions need no DTD or entities."))
        }
        if let line = try firstProcessingInstructionLine(try bytes()) {
            throw ReadError.content(ParseError(.xmlInvalid, "\(what) has a processing instruction (<?…?>) other than the XML declaration at its start. Remove it.", line: line))
        }
        if let line = try firstInvalidUTF8Line(try bytes()) {
            throw ReadError.content(ParseError(.fileEncoding, "\(what) is not UTF-8 text. Save it as UTF-8 and upload it again.", line: line))
        }
    }

    /// The line of the first `<?` that is not the XML declaration at the very start (after
    /// a byte order mark), or `nil` when there is none.
    static func firstProcessingInstructionLine(_ stream: ByteStream) throws(ReadError) -> Int? {
        var line = 1
        var offset = 0
        var previous: UInt8 = 0
        var start = 0
        if try stream.prefix(3) == [0xEF, 0xBB, 0xBF] { stream.skip(3); start = 3 }
        offset = start
        while let byte = try stream.next() {
            if byte == UInt8(ascii: "\n") { line += 1 }
            if previous == UInt8(ascii: "<"), byte == UInt8(ascii: "?") {
                let atStart = offset - 1 == start
                let declaration = try stream.prefix(4)
                let isXMLDeclaration = declaration.count == 4 && declaration[0..<3].elementsEqual("xml".utf8)
                    && [0x20, 0x09, 0x0A, 0x0D].contains(declaration[3])
                if !(atStart && isXMLDeclaration) { return line }
            }
            previous = byte
            offset += 1
        }
        return nil
    }

    /// The line of the first byte sequence that is not UTF-8, or `nil` when all of it is.
    static func firstInvalidUTF8Line(_ stream: ByteStream) throws(ReadError) -> Int? {
        var line = 1
        var carry: [UInt8] = []
        while true {
            let chunk = try stream.prefix(1 << 16)
            stream.skip(chunk.count)
            let bytes = carry + chunk
            if chunk.isEmpty {
                return bytes.isEmpty ? nil : line
            }
            // Keep an incomplete sequence at the end for the next chunk.
            var end = bytes.count
            var back = 0
            while back < 3, end - back - 1 >= 0, bytes[end - back - 1] & 0xC0 == 0x80 { back += 1 }
            if end - back - 1 >= 0 {
                let lead = bytes[end - back - 1]
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                if length > back + 1 { end -= back + 1 }
            }
            guard String(validating: bytes[..<end], as: UTF8.self) != nil else {
                // Find the line of the first bad sequence.
                var start = 0
                for (index, byte) in bytes[..<end].enumerated() where byte == UInt8(ascii: "\n") {
                    if String(validating: bytes[start...index], as: UTF8.self) == nil { return line }
                    line += 1
                    start = index + 1
                }
                return line
            }
            line += bytes[..<end].lazy.filter { $0 == UInt8(ascii: "\n") }.count
            carry = Array(bytes[end...])
        }
    }

    /// True when the prolog — everything before the root element's start tag, comments
    /// and processing instructions however long — holds a `<!DOCTYPE` (or any other `<!`
    /// declaration).
    static func declaresDocumentType(_ stream: ByteStream) throws(ReadError) -> Bool {
        var previous: [UInt8] = []
        func ends(with marker: String) -> Bool { previous.suffix(marker.utf8.count).elementsEqual(marker.utf8) }
        enum State { case text, comment, instruction }
        var state = State.text
        while let byte = try stream.next() {
            previous.append(byte)
            if previous.count > 8 { previous.removeFirst() }
            switch state {
            case .comment:
                if ends(with: "-->") { state = .text; previous.removeAll() }
            case .instruction:
                if ends(with: "?>") { state = .text; previous.removeAll() }
            case .text:
                if ends(with: "<!--") { state = .comment; previous.removeAll(); continue }
                if ends(with: "<?") { state = .instruction; previous.removeAll(); continue }
                guard previous.count >= 2, previous[previous.count - 2] == UInt8(ascii: "<") else { continue }
                if byte == UInt8(ascii: "!") {
                    // `<!` not starting a comment: wait one byte more to tell `<!-` apart.
                    guard let next = try stream.peek() else { return true }
                    if next != UInt8(ascii: "-") { return true }
                } else if byte != UInt8(ascii: "?") {
                    return false  // the root element's start tag
                }
            }
        }
        return false
    }

    final class Delegate: NSObject, XMLParserDelegate {
        let output: Int32
        let path: String
        var buffer: [UInt8] = []
        var depth = 0
        var sawRoot = false
        var kind: String?
        var keys: [String] = []
        private var seenKeys: Set<String> = []
        private var record: [(String, String)] = []
        private var text = ""
        var problem: ParseError?
        /// Writing the converted rows failed (a full disk, a file size limit): ours.
        var failure: SystemError?

        init(output: Int32, path: String) {
            self.output = output
            self.path = path
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            switch depth {
            case 1:
                sawRoot = true
                kind = attributes["kind"]
            case 2:
                record = []
            default:
                text = ""
            }
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            self.parser(parser, foundCharacters: String(decoding: block, as: UTF8.self))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if depth >= 3 { text += string }
            if text.utf8.count > 1 << 20 {
                problem = ParseError(.lineTooLong, "An XML element's text is longer than 1 MB.", line: parser.lineNumber)
                parser.abortParsing()
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch depth {
            case 2:
                var line = ""
                JSONWriter.write(.object(record.map { ($0.0, JSONValue.string($0.1)) }), to: &line)
                buffer.append(contentsOf: line.utf8)
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count > 1 << 16 {
                    flush()
                    if failure != nil { parser.abortParsing() }
                }
            case 3:
                record.append((name, text))
                if seenKeys.insert(name).inserted { keys.append(name) }
            default:
                break
            }
            depth -= 1
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            refuseDeclaration(parser)
        }

        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
            refuseDeclaration(parser)
        }

        private func refuseDeclaration(_ parser: XMLParser) {
            problem = ParseError(.xmlDoctype, "The XML declares entities, which are not accepted. Remove the document type declaration.", line: parser.lineNumber)
            parser.abortParsing()
        }

        func flush() {
            guard failure == nil else { return }
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes { raw in
                    write(output, raw.baseAddress! + offset, raw.count - offset)
                }
                guard written > 0 else {
                    failure = .last(.write, path)
                    return
                }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

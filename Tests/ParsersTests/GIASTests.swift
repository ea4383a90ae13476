import Domain
import Foundation
@testable import Parsers
import Testing

/// GIAS's downloads as GIAS serves them: Windows-1252, ~130 columns, every kind of
/// establishment.
@Suite("GIAS downloads as published")
struct GIASTests {
    /// GIAS's establishment types, as its download names them.
    static let types = [
        "Community school", "Voluntary aided school", "Voluntary controlled school", "Foundation school",
        "City technology college", "Community special school", "Non-maintained special school",
        "Other independent special school", "Other independent school", "Foundation special school",
        "Pupil referral unit", "LA nursery school", "Further education", "Secure units", "Offshore schools",
        "Service children's education", "Miscellaneous", "Academy sponsor led", "Higher education institutions",
        "Welsh establishment", "Sixth form centres", "Special post 16 institution", "Academy special sponsor led",
        "Academy converter", "Free schools", "Free schools special", "British schools overseas",
        "Free schools alternative provision", "Free schools 16 to 19", "University technical college", "Studio schools",
        "Academy alternative provision converter", "Academy alternative provision sponsor led", "Academy special converter",
        "Academy 16-19 converter", "Academy 16 to 19 sponsor led", "Online provider",
        "Institution funded by other government department", "Children's centre", "Children's centre linked site",
    ]

    /// A 130-column establishments download in Windows-1252: one establishment of every
    /// type (children's centres with five-digit URNs), names with ’ – é É ç, and three
    /// lines that cannot be used.
    static func download() -> (path: String, names: [String: String]) {
        var columns = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
                       "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentTypeGroup (code)",
                       "EstablishmentTypeGroup (name)", "EstablishmentStatus (code)", "EstablishmentStatus (name)",
                       "PhaseOfEducation (code)", "PhaseOfEducation (name)", "StatutoryLowAge", "StatutoryHighAge",
                       "Trusts (code)", "Trusts (name)", "GOR (code)", "GOR (name)", "Postcode", "Street", "Town"]
        while columns.count < 130 { columns.append("Extra column \(columns.count)") }
        var text = columns.joined(separator: ",") + "\r\n"
        var names: [String: String] = [:]
        for (index, type) in types.enumerated() {
            let urn = type.hasPrefix("Children's centre") ? String(20_000 + index) : String(100_000 + index)
            let name = "St Zoë’s – École \(index) Ça va, É"
            names[urn] = name
            var cells = [urn, "201", "City of London", "\(3000 + index)", "\"\(name)\"", "\(index)", type, "4", "Group",
                         "1", index % 7 == 0 ? "Closed" : "Open", "2", "Primary", "4", "11", index % 3 == 0 ? "4001" : "",
                         index % 3 == 0 ? "\"Trust – One\"" : "", "E12000007", "London", "EC1A 1AA", "1 Street", "London"]
            while cells.count < 130 { cells.append("x\(cells.count)") }
            text += cells.joined(separator: ",") + "\r\n"
        }
        text += "," + Array(repeating: "", count: 129).joined(separator: ",") + "\r\n"  // a blank line: skipped quietly
        text += "ABC,201,x,1,Bad URN," + Array(repeating: "", count: 125).joined(separator: ",") + "\r\n"
        text += "100001,201,x,1,Repeated," + Array(repeating: "", count: 125).joined(separator: ",") + "\r\n"
        text += "100999,201,x,1,," + Array(repeating: "", count: 125).joined(separator: ",") + "\r\n"
        let path = FileManagerShim.write("", name: "edubasealldata20261120.csv")
        try! Data(windows1252(text)).write(to: URL(fileURLWithPath: path))
        return (path, names)
    }

    /// `text` encoded as Windows-1252 (the characters these tests use).
    static func windows1252(_ text: String) -> [UInt8] {
        let high: [Character: UInt8] = ["’": 0x92, "–": 0x96, "é": 0xE9, "É": 0xC9, "ç": 0xE7, "Ç": 0xC7, "ë": 0xEB, "€": 0x80]
        return text.flatMap { character -> [UInt8] in
            if let byte = high[character] { return [byte] }
            precondition(character.isASCII, "\(character) is not in this test's table")
            return Array(character.utf8)
        }
    }

    @Test("a Windows-1252 establishments download loads every establishment, names exact, and reports each unusable line")
    func establishments() throws {
        let (path, names) = Self.download()
        let file = try ReferenceReader.schools(path: path)
        #expect(file.isWindows1252)
        #expect(file.values.count == Self.types.count)
        for school in file.values { #expect(school.name == names[school.urn], "\(school.urn)") }
        #expect(Set(file.values.map(\.type)) == Set(Self.types))
        let centres = file.values.filter { $0.type.hasPrefix("Children's centre") }
        #expect(centres.count == 2 && centres.allSatisfy { $0.urn.count == 5 && !$0.canBeNamed })
        #expect(file.values.first { $0.urn == "100000" }?.trustUID == "4001")
        #expect(file.values.first { $0.urn == "100000" }?.regionName == "London")
        let lines = Self.types.count + 2  // the header, the establishments, the blank line
        #expect(file.leftOut.map(\.line) == [lines + 1, lines + 2, lines + 3])
        #expect(file.leftOut[0].reason.contains("\"ABC\" is not a number"))
        #expect(file.leftOut[1].reason.contains("was on line 3 already"))
        #expect(file.leftOut[2].reason.contains("no EstablishmentName"))
    }

    @Test("Windows-1252 is decoded exactly, every byte", arguments: [
        ([0x92, 0x96, 0x97, 0x80, 0x85, 0x9C], "’–—€…œ"), ([0xE9, 0xC9, 0xE7, 0xA3, 0xFF], "éÉç£ÿ"), ([0x81, 0x8D], "\u{81}\u{8D}"),
    ] as [([UInt8], String)])
    func decoding(_ bytes: [UInt8], _ text: String) {
        #expect(String(decoding: Windows1252.utf8(from: bytes), as: UTF8.self) == text)
    }

    @Test("a UTF-8 download, with or without a byte order mark, is read as UTF-8", arguments: [true, false])
    func utf8(_ bom: Bool) throws {
        let text = "Group UID,Group Name,Group Type,Companies House Number\r\n4001,Trust – One ’s,Multi-academy trust,123\r\n"
        let path = FileManagerShim.write("", name: "allgroupsdata.csv")
        try Data((bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        let file = try ReferenceReader.trusts(path: path)
        #expect(!file.isWindows1252)
        #expect(file.values.map(\.name) == ["Trust – One ’s"] && file.values.map(\.type) == ["Multi-academy trust"])
    }
}

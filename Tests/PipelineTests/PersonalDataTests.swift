import Domain
import Foundation
import Store
import Testing
@testable import Pipeline
import TestSupport

@Suite("No personal data through messages, logs, the store or the archive")
struct PersonalDataTests {
    /// The sample's dates of birth and NINOs that the hostile files below carry.
    static let dateOfBirth = "1978-08-17", nino = "QQ123456C"

    /// Every place a run leaves text: results aside (they go back to the sender).
    func kept(_ world: SampleWorld, _ summary: BatchRun.Summary) throws -> [String: String] {
        var texts: [String: String] = [:]
        for (path, data) in world.archived() { texts["archive/" + path] = String(decoding: data, as: UTF8.self) }
        let store = try Store(location: world.root.store)
        let stored = try store.read { tx in
            try tx.rows("SELECT refusal_message FROM submissions WHERE refusal_message IS NOT NULL")
                + tx.rows("SELECT error_messages || warning_messages FROM row_verdicts")
        }
        texts["store"] = stored.flatMap { $0 }.joined(separator: "\n")
        texts["reports"] = try world.files(under: world.root.reports).values.map { String(decoding: $0, as: UTF8.self) }.joined()
        texts["file problems"] = summary.files.compactMap { report -> String? in
            switch report.outcome {
            case .refused(let problem), .quarantined(let problem): problem.message
            default: nil
            }
        }.joined(separator: "\n")
        return texts
    }

    func drop(_ world: SampleWorld, _ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: world.root.inbox + "/appropriate-bodies/AB002/" + name))
    }

    @Test("hostile files: a CSV without its header row, an unquoted JSON date of birth, a date of birth in the TRN column, NINOs and dates under unknown names")
    func hostile() throws {
        let world = try SampleWorld()
        let dob = Self.dateOfBirth, nino = Self.nino
        // No header row: the first row is data, and must be described, not quoted.
        try drop(world, "10-no-header.csv", "3000001,\(dob),\(nino),school-led,2026-09-01\n3000002,\(dob),\(nino),school-led,2026-09-01\n")
        // An unquoted date in JSON is invalid JSON: the message must not repeat it.
        try drop(world, "11-bare-date.json", "[{\"trn\": \"3000001\", \"date_of_birth\": \(dob), \"number_of_terms\": \"1\"}]")
        // A date of birth typed in the TRN column and in the programme column.
        try drop(world, "12-shifted.csv", "TRN,Date of birth,Induction programme,Induction period start date\n\(dob),\(dob),\(dob),2026-09-01\n")
        // Personal data under names we do not know: a column and a JSON key.
        try drop(world, "13-ni.csv", "TRN,Date of birth,Number of terms,NI number,Born\n3000020,2000-05-14,2,\(nino),\(dob)\n")
        try drop(world, "14-camel.json", "[{\"trn\": \"3000020\", \"dateOfBirth\": \"\(dob)\", \"date_of_birth\": \"2000-05-14\", \"number_of_terms\": \"1\"}]")
        let summary = try world.run()
        for (place, text) in try kept(world, summary) {
            #expect(!text.contains(dob), "\(place) holds a date of birth")
            #expect(!text.contains(nino), "\(place) holds a NINO")
        }
        let noHeader = try String(contentsOfFile: world.root.outbox + "/appropriate-bodies/AB002/10-no-header.results.csv", encoding: .utf8)
        #expect(noHeader.contains("The first row looks like data, not column names"))
        #expect(!noHeader.contains(dob))
        let shifted = try String(contentsOfFile: world.root.outbox + "/appropriate-bodies/AB002/12-shifted.results.csv", encoding: .utf8)
        #expect(shifted.contains("trn.format: The TRN is not valid") && shifted.contains("programme.invalid: The induction programme is not recognised"))
    }

    @Test("what could be a date of birth or NINO is told by its shape",
          arguments: [("1998-03-16", true), ("16/03/1998", true), ("16.3.98", true), ("19980316", true), ("AB123456C", true),
                      ("ab 12 34 56 c", true), ("3000001", false), ("school-led", false), ("2.5", false), ("Provider led", false),
                      ("12 345 67", false), ("Number of terms", false),
                      ("DOB19980316", true), ("t.1998-03-16@x.org", true), ("AB12345", false), ("ABC123456D", true),
                      ("jo.smith42@school.example", false), ("1-2", false), ("2026 09", false)])
    func shapes(_ text: String, _ personal: Bool) {
        #expect(PersonalData.mightBe(text) == personal)
    }

    @Test("column names that hold personal data", arguments: [("NI number", true), ("NINO", true), ("dateOfBirth", true), ("DOB", true),
                                                              ("Birth date", true), ("National Insurance No", true), ("Notes", false),
                                                              ("Induction programme", false), ("Nickname", false)])
    func headers(_ name: String, _ personal: Bool) {
        #expect(PersonalData.isPersonalHeader(name) == personal)
    }
}

@Suite("Re-issue is byte-identical")
struct ReissueTests {
    @Test("a message holding a line break, a backslash and a CR comes back exactly")
    func awkwardMessages() throws {
        let world = try SampleWorld()
        let path = world.root.inbox + "/appropriate-bodies/AB002/09-awkward.csv"
        try Data("TRN,Date of birth,Induction programme,Induction period start date\n3000020,2000-05-14,\"school\nled \\\\ x\r\",2026-09-01\n3000050,1981-07-03,\"a\\nb\",2026-09-01\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = try world.run(runID: "first")
        let result = world.root.outbox + "/appropriate-bodies/AB002/09-awkward.results.csv"
        let first = try Data(contentsOf: URL(fileURLWithPath: result))
        #expect(String(decoding: first, as: UTF8.self).contains("school\nled \\\\ x"))
        try saved.write(to: URL(fileURLWithPath: path))
        let second = try world.run(runID: "second")
        #expect(second.files.first { $0.file.name == "09-awkward.csv" }?.outcome == .reissued)
        #expect(try Data(contentsOf: URL(fileURLWithPath: result)) == first)
    }

    @Test("messages survive the store's encoding whatever they hold",
          arguments: [["plain"], ["a\nb"], ["back\\slash", "two\\\\n"], ["", "x"], ["\r\n\\n"], ["one", "two\nlines", "\\"]])
    func roundTrip(_ messages: [String]) {
        let problems = messages.map { Problem(.trnFormat, $0) }
        let joined = StoreTransaction.messages(problems)
        #expect(StoreTransaction.unescapedMessages(joined).prefix(messages.count) == ArraySlice(messages))
    }
}

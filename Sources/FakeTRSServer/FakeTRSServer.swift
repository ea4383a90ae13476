import ArgumentParser
import FakeTRS
import Foundation
import Domain
import Parsers

/// `fake-trs`: the stand-in for TRS API v3 that the tests use, as a command, so that the
/// samples can be run through the API by hand (README "Through the TRS API").
@main
struct FakeTRSServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-trs",
        abstract: "Serve a TRS extract as TRS API v3 on loopback, for trying `run --trs-api` and `deliver`.",
        discussion: """
            Answers POST /v3/persons/find, GET /v3/persons/{trn} and PUT /v3/persons/{trn}/cpd-induction \
            from the extract, with TRS's status codes (404, 410 deactivated, 308 merged, 409 stale). \
            Requests must carry `Authorization: Bearer <key>` with the key from TRS_API_KEY. \
            Prints the URL it listens on, then serves until interrupted. Not for production.
            """)

    @Option(help: ArgumentHelp("The TRS extract (CSV) to serve.", valueName: "file"))
    var extract: String

    @Option(help: "The port on 127.0.0.1 (0: any free port).")
    var port: UInt16 = 0

    @Option(help: "Answer every Nth request 503, as a flaky service does (0: never).")
    var failEvery = 0

    @Option(help: "Wait this many milliseconds before each answer.")
    var delayMs = 0

    func run() throws {
        guard let key = ProcessInfo.processInfo.environment["TRS_API_KEY"], !key.isEmpty else {
            throw ValidationError("set TRS_API_KEY to the key clients must present")
        }
        let records: [TRSRecord]
        do {
            records = try TRSExtractReader.read(path: extract).records
        } catch {
            throw ValidationError("cannot read \(extract): \(error)")
        }
        let server = try FakeTRS(records: records, key: key, port: port)
        var faults = FakeTRS.Faults()
        faults.failEvery = failEvery
        faults.delay = Double(delayMs) / 1000
        server.faults = faults
        FileHandle.standardOutput.write(Data("fake TRS: \(records.count) records, listening on \(server.url.absoluteString)\n".utf8))
        while true { sleep(3600) }
    }
}

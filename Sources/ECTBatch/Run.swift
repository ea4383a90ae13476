import ArgumentParser
import Domain
import Foundation
import Pipeline
import TRS

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Process every new file in the inbox (the nightly job).",
        discussion: """
            Takes the run lock, processes the inbox files in order (schools, trusts, then \
            appropriate bodies; by submitter id, arrival time, name), one transaction per file, \
            writes a result file per input to outbox/, moves inputs to archive/ with date of \
            birth and national insurance number removed (refused files go to quarantine/), and \
            writes the run's report to reports/runs/<run-id>/ and refreshes reports/latest/.

            Files whose names start with '.' or end with .part, .partial or .tmp are uploads in \
            progress and are left for the next run; so are files modified within --settle seconds.

            TRS is read from an extract (--trs) or, with --trs-api, from TRS's API, asked in bulk \
            before any file is taken. When the API stays unreachable, no row is rejected for it: \
            the files wait in the inbox and the run exits 69.
            """)

    @OptionGroup var common: CommonOptions

    @OptionGroup var trsSource: TRSOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day the run treats as today (YYYY-MM-DD). Default: today.", valueName: "date"))
    var asOf: Day?

    @Option(help: ArgumentHelp("Leave files modified less than this many seconds ago for the next run.", valueName: "seconds"))
    var settle = 0

    @Option(name: .customLong("suppress-below"), help: ArgumentHelp("In the reports, show counts from 1 to N-1 as 'c' (0: off).", valueName: "n"))
    var suppressBelow = 0

    func validate() throws {
        if settle < 0 { throw ValidationError("--settle must be zero or more seconds.") }
        if suppressBelow < 0 { throw ValidationError("--suppress-below must be zero or more.") }
    }

    func run() throws {
        let logger = common.makeLogger()
        let asOf = self.asOf ?? Day.today
        let client: TRSClient?
        do {
            client = try trsSource.client()
        } catch {
            throw logger.failure(error)
        }
        var options = BatchRun.Options(root: common.dataRoot, trsPath: trsSource.trs, asOf: asOf, settleSeconds: settle,
                                          runID: Self.runID(),
                                          killAfterRows: ProcessInfo.processInfo.environment["ECT_BATCH_KILL_AFTER_ROWS"].flatMap { Int($0) },
                                          killAfterArchives: ProcessInfo.processInfo.environment["ECT_BATCH_KILL_AFTER_ARCHIVES"].flatMap { Int($0) },
                                          suppressBelow: suppressBelow)
        options.trsAPI = client
        options.pauseAfterRows = ProcessInfo.processInfo.environment["ECT_BATCH_PAUSE_AFTER_ROWS"].flatMap { Int($0) }
        var job = BatchRun(options: options, logger: logger)
        if isatty(2) == 1 {
            job.progress = { done, total in
                if total >= 50, done % 25 == 0 || done == total {
                    FileHandle.standardError.write(Data("\r\(done)/\(total) files\(done == total ? "\n" : "")".utf8))
                }
            }
        }
        let summary: BatchRun.Summary
        do {
            summary = try job.run()
        } catch {
            throw logger.failure(error)
        }
        for fault in summary.faults {
            logger.critical("\(fault)")
        }
        print("""
            Run \(summary.runID) (as of \(asOf.iso)): \(summary.counts.line).
            Results: \(common.dataRoot.outbox)/  Reports: \(common.dataRoot.reports)/runs/\(summary.runID)/ and \(common.dataRoot.reports)/latest/
            """)
        if summary.exitCode != 0 {
            let waiting = summary.waiting.count
            print("Not finished: \(summary.faults.count) operational failure(s); \(waiting) file(s) left in the inbox for the next run. Exit \(summary.exitCode); the causes are on stderr.")
            throw ExitCode(summary.exitCode)
        }
    }

    /// `YYYYMMDD-HHMMSS-mmm`, in UTC.
    static func runID() -> String {
        let now = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: now)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(c.year!, 4) + pad(c.month!, 2) + pad(c.day!, 2) + "-" + pad(c.hour!, 2) + pad(c.minute!, 2)
            + pad(c.second!, 2) + "-" + pad(c.nanosecond! / 1_000_000, 3)
    }
}

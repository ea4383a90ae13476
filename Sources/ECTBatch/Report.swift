import ArgumentParser
import Domain
import Foundation
import Pipeline
import Store

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild the statistics reports from the store.",
        discussion: """
            Writes reports/latest/ (the programme so far) and, for every run in the store, \
            reports/runs/<run-id>/: each a report.html page with charts, one CSV per table and \
            summary.json. --from and --to bound the activity tables (by as-of date). \
            --suppress-below N shows counts from 1 to N-1 as "c", for tables to be published.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("First as-of date of activity to count (YYYY-MM-DD).", valueName: "date"))
    var from: Day?

    @Option(help: ArgumentHelp("Last as-of date of activity to count (YYYY-MM-DD).", valueName: "date"))
    var to: Day?

    @Option(name: .customLong("suppress-below"), help: ArgumentHelp("Show counts from 1 to N-1 as 'c' (0: off).", valueName: "n"))
    var suppressBelow = 0

    func validate() throws {
        if let from, let to, from > to { throw ValidationError("--from must not be after --to.") }
        if suppressBelow < 0 { throw ValidationError("--suppress-below must be zero or more.") }
    }

    func run() throws {
        let logger = common.makeLogger()
        let root = common.dataRoot
        let store: Store, runs: [String]
        do {
            store = try root.openExisting()
            runs = try store.read { try $0.runs().map(\.id) }
        } catch let error as RunError {
            throw logger.failure(error)
        } catch {
            throw logger.failure(.store(String(describing: error)))
        }
        do {
            try ReportBuilder(store: store).write(root: root, runs: runs, from: from, to: to, suppressBelow: suppressBelow)
        } catch let error as SystemError {
            throw logger.failure(.system(error))
        } catch {
            throw logger.failure(.store(String(describing: error)))
        }
        print("Wrote \(root.reports)/latest/ and \(runs.count) run report(s) under \(root.reports)/runs/.")
    }
}

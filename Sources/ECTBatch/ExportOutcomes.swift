import ArgumentParser
import Foundation
import Pipeline

struct ExportOutcomes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-outcomes",
        abstract: "Write the outcomes TRS must learn to a CSV file, for delivery by file.",
        discussion: """
            Writes every outcome (induction in progress, passed, failed) that no export has \
            carried yet to FILE, as trn,status,start_date,completed_date,modified_on, and marks \
            them exported: each outcome is exported exactly once, however often the command is \
            killed and run again. FILE must not exist yet (an earlier export may not have been \
            delivered). Nothing to export writes no file.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("to"), help: ArgumentHelp("The CSV file to write.", valueName: "file"))
    var to: String

    func run() throws {
        let logger = common.makeLogger()
        let exporter = OutcomeExporter(root: common.dataRoot,
                                       killAt: ProcessInfo.processInfo.environment["ECT_BATCH_KILL_EXPORT_AT"].flatMap { Int($0) })
        let outcome: OutcomeExporter.Outcome
        do {
            outcome = try exporter.export(to: to)
        } catch {
            throw logger.failure(error)
        }
        if outcome.finished + outcome.undone > 0 {
            logger.notice("an interrupted export was \(outcome.finished > 0 ? "finished (its file was in place)" : "undone (its file was not written)")")
        }
        print(outcome.exported > 0 ? "Exported \(outcome.exported) outcome(s) to \(to)." : "No outcome to export; no file written.")
    }
}

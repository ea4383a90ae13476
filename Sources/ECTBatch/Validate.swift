import ArgumentParser
import Domain
import Parsers
import Pipeline
import TRS
import Reports

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check one file as a run would, against the current store, changing nothing.",
        discussion: """
            Prints every row's verdict: the same rules, in the same order, against the same \
            store and TRS extract as `run`, inside a transaction that is rolled back. No file is \
            written or moved. Exits 0 when every row would be accepted, 65 when a row would be \
            rejected or the file refused, and otherwise as `run` does.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("The file to check.", valueName: "file"))
    var file: String

    @Option(name: .customLong("as"), help: ArgumentHelp("Who sends it: schools:URN, trusts:UID or appropriate-bodies:ID.", valueName: "kind:id"),
            transform: Submitter.fromAsOption)
    var who: Submitter

    @OptionGroup var trsSource: TRSOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day treated as today (YYYY-MM-DD). Default: today.", valueName: "date"))
    var asOf: Day?

    @Option(help: "table (for people) or json.")
    var format: OutputFormat = .table

    enum OutputFormat: String, ExpressibleByArgument {
        case table
        case json
    }

    func run() throws {
        let logger = common.makeLogger()
        let client: TRSClient?
        do {
            client = try trsSource.client()
        } catch {
            throw logger.failure(error)
        }
        let dryRun = DryRun(root: common.dataRoot, trsPath: trsSource.trs, trsAPI: client, asOf: asOf ?? Day.today,
                            logger: logger)
        var rows: [JSONValue] = []
        let outcome: DryRun.Outcome
        do {
            outcome = try dryRun.validate(path: file, as: who) { row, outcome in
                switch format {
                case .table: print(Self.line(row.number, outcome))
                case .json: rows.append(Self.json(row.number, outcome))
                }
            }
        } catch {
            throw logger.failure(error)
        }
        let counts: ResultCounts?
        var summary: String
        var status: String
        switch outcome {
        case .checked(let kind, let fileFormat, let result):
            counts = result
            status = "checked"
            summary = "\(kind.rawValue) (\(fileFormat.rawValue)) from \(who): \(result.accepted + result.rejected) rows, \(result.accepted) would be accepted, \(result.rejected) rejected. Nothing was changed."
        case .alreadyProcessed(let result):
            counts = result
            status = "already-processed"
            summary = "This file was processed before: a run would re-issue these verdicts and change nothing."
        case .refused(let problem):
            counts = nil
            status = "refused"
            summary = "The file would be refused: \(problem)"
        }
        switch format {
        case .table:
            print(summary)
        case .json:
            var members: [(String, JSONValue)] = [("schemaVersion", .number("1")), ("status", .string(status)), ("rows", .array(rows))]
            if case .refused(let problem) = outcome {
                members.append(("errors", .array([.object([("code", .string(problem.code.rawValue)), ("message", .string(problem.message))])])))
            }
            if let counts {
                members.append(("counts", .object([("accepted", .number(String(counts.accepted))), ("rejected", .number(String(counts.rejected)))])))
            }
            print(JSONWriter.serialise(.object(members)))
        }
        let clean: Bool
        if case .refused = outcome { clean = false } else { clean = (counts?.rejected ?? 0) == 0 }
        if !clean { throw ExitCode(65) }
    }

    static func line(_ number: Int, _ outcome: RowOutcome) -> String {
        var text = "row \(number): \(outcome.status.rawValue)"
        for problem in outcome.errors { text += "\n    \(problem)" }
        for problem in outcome.warnings { text += "\n    warning \(problem)" }
        return text
    }

    static func json(_ number: Int, _ outcome: RowOutcome) -> JSONValue {
        func list(_ problems: [Problem]) -> JSONValue {
            .array(problems.map { .object([("code", .string($0.code.rawValue)), ("message", .string($0.message))]) })
        }
        return .object([("row", .number(String(number))), ("status", .string(outcome.status.rawValue)),
                        ("errors", list(outcome.errors)), ("warnings", list(outcome.warnings))])
    }
}

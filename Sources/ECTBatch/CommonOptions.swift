import ArgumentParser
import Domain
import Foundation
import Logging
import Pipeline
import Store

/// Flags every command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The data folder (inbox/, outbox/, archive/, quarantine/, reports/, ect.sqlite). Default: $ECT_BATCH_ROOT, else ./ect-data.", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("The store: a PostgreSQL database's URL (postgresql://USER@HOST:PORT/DB; a password from ~/.pgpass or PGPASSWORD, never on the command line) instead of <root>/ect.sqlite. Default: $ECT_BATCH_STORE, else <root>/ect.sqlite.", valueName: "url"))
    var store: String?

    @Flag(name: .shortAndLong, help: "Log every file and more detail (never personal data).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Log warnings and errors only.")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet cannot be used together.") }
        if let store, !Store.isPostgres(store) {
            throw ValidationError("--store takes a postgresql:// URL; without it the store is <root>/ect.sqlite.")
        }
    }

    var dataRoot: DataRoot {
        let environment = ProcessInfo.processInfo.environment
        let store = self.store ?? environment["ECT_BATCH_STORE"].flatMap { $0.isEmpty ? nil : $0 }
        return DataRoot(path: root ?? environment["ECT_BATCH_ROOT"] ?? "./ect-data", store: store)
    }

    /// A logger writing to stderr at the level the flags ask for.
    func makeLogger() -> Logger {
        let level: Logger.Level = verbose ? .debug : quiet ? .warning : .info
        var logger = Logger(label: "ect-batch") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = level
        return logger
    }
}

extension Day: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(iso: argument)
    }

    /// Today in the local time zone.
    static var today: Day {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return Day(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

extension Submitter {
    /// `--as KIND:ID`, for the commands that name a submitter; a usage error (64) otherwise.
    static func fromAsOption(_ argument: String) throws -> Submitter {
        guard let submitter = Submitter(argument: argument) else {
            throw ValidationError("--as takes KIND:ID, where KIND is schools, trusts or appropriate-bodies (e.g. appropriate-bodies:AB001).")
        }
        return submitter
    }
}

extension Logger {
    /// Logs an operational failure and gives the exit code it calls for.
    func failure(_ error: RunError) -> ExitCode {
        critical("\(error)")
        return ExitCode(error.exitCode)
    }
}

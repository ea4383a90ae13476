#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Domain
import Pipeline

struct Archived: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a processed input as archived (date of birth and NINO blanked).",
        discussion: """
            A run archives the inputs it processes as entries of one tar file, \
            <root>/archive/<as-of>/<run-id>.tar, each named <kind>/<id>/<file> (an XML input \
            or a workbook as CSV, with .csv added). This finds the copy of a submitter's file \
            by its name through the store and writes its bytes to stdout (or --to FILE). A file \
            of that name sent on several days has several copies: --list shows them, and --as-of \
            picks one (default: the newest). `tar -xf` of a bundle gives the same bytes.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("The file's name as it was uploaded.", valueName: "name"))
    var name: String

    @Option(name: .customLong("as"), help: ArgumentHelp("Who sent it: schools:URN, trusts:UID or appropriate-bodies:ID.", valueName: "kind:id"),
            transform: Submitter.fromAsOption)
    var who: Submitter

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The copy of the run as of this day (YYYY-MM-DD).", valueName: "date"))
    var asOf: Day?

    @Flag(help: "List the copies (day, bundle, entry) instead of printing one.")
    var list = false

    @Option(name: .customLong("to"), help: ArgumentHelp("Write the copy to this file instead of stdout.", valueName: "file"))
    var to: String?

    func run() throws {
        let logger = common.makeLogger()
        let root = common.dataRoot
        do throws(RunError) {
            let store = try root.openExisting()
            let copies = try RunArchive.copies(of: who, named: name, store: store)
            if list {
                for copy in copies {
                    print("\(copy.asOf)\t\(root.archive)/\(copy.location.bundle)\t\(copy.location.entry)")
                }
                if copies.isEmpty { logger.notice("no archived file \(name) from \(who)") }
                return
            }
            guard let copy = copies.last(where: { asOf == nil || $0.asOf == asOf!.iso }) else {
                let day = asOf.map { " processed as of \($0.iso)" } ?? ""
                throw RunError.system(SystemError(.open, "\(root.archive) (no file \(name) from \(who)\(day))", errno: ENOENT))
            }
            let bytes = try RunArchive.read(copy.location, root: root)
            try write(bytes)
        } catch {
            throw logger.failure(error)
        }
    }

    private func write(_ bytes: [UInt8]) throws(RunError) {
        let descriptor = to.map { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) } ?? STDOUT_FILENO
        guard descriptor >= 0 else { throw .system(.last(.create, to!)) }
        defer { if to != nil { close(descriptor) } }
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .system(.last(.write, to ?? "stdout")) }
            done += written
        }
    }
}

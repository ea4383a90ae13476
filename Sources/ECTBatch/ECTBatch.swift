import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct ECTBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ect-batch",
        abstract: "The nightly batch channel of the Register early career teachers service.",
        discussion: """
            Schools, trusts and appropriate bodies drop CSV, JSON, NDJSON, XML or Excel files into \
            <root>/inbox/<schools|trusts|appropriate-bodies>/<id>/. `ect-batch run` validates \
            every row, applies the accepted ones to <root>/ect.sqlite and writes each \
            submitter a result file under <root>/outbox/.

            Exit codes: 0 success (rejected rows and refused files are normal business); 64 \
            usage error; 65 `validate` found a row to reject, or a reference file is unusable; \
            66 an input, folder or data root cannot be opened or read; 73 an output cannot be \
            created or written (full disk, too many open files, file size limit); 74 the store \
            failed; 69 TRS's API stayed unreachable; 75 another run holds the lock; 76 TRS's API \
            answered in a way it does not; 77 permission denied; 78 configuration missing (no \
            reference data, no TRS extract, no TRS API key, or TRS refused it). After 66, 69, \
            73, 74 and 77 the files concerned are still in the inbox, untouched, and stderr \
            names the cause (for a file: the path and errno).
            """,
        subcommands: [Run.self, Validate.self, Report.self, LoadReference.self, Deliver.self, ExportOutcomes.self,
                      Archived.self])

    static func main() {
        // A file size limit (RLIMIT_FSIZE) must fail the write (EFBIG, reported as ours),
        // not kill the process half-way through a file.
        signal(SIGXFSZ, SIG_IGN)
        // A write to a connection the other end closed (PostgreSQL, TRS, a reader of our
        // output that went away) must fail that write (EPIPE), which is reported, not kill
        // the process without a word.
        signal(SIGPIPE, SIG_IGN)
        main(nil)
    }
}

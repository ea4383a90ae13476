import ArgumentParser

@main
struct ECTBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ect-batch",
        abstract: "The nightly batch channel of the Register early career teachers service.",
        discussion: """
            Schools, trusts and appropriate bodies drop CSV, JSON or NDJSON files into \
            <root>/inbox/<schools|trusts|appropriate-bodies>/<id>/. `ect-batch run` validates \
            every row, applies the accepted ones to <root>/ect.sqlite and writes each \
            submitter a result file under <root>/outbox/.

            Exit codes: 0 success (rejected rows are normal business); 64 usage error; 65 `validate` found a row to reject; \
            73 an output could not be written; 74 the store failed; 75 another run holds \
            the lock; 78 configuration missing (no reference data, no TRS extract).
            """,
        subcommands: [Run.self, Validate.self, Report.self, LoadReference.self])
}

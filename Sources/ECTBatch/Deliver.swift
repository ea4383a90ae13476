import ArgumentParser
import Foundation
import Pipeline

struct Deliver: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send the outcomes TRS must learn to TRS's API.",
        discussion: """
            Sends every pending outcome (induction in progress, passed, failed), oldest first, as \
            PUT /v3/persons/{trn}/cpd-induction. TRS's answer is recorded at once: 204 delivered; \
            409 superseded (TRS holds a newer change); another 4xx failed, with TRS's answer kept \
            for operations (see the report's "Outcomes for the Teaching Record System"). When TRS \
            stays unreachable, the rest stay pending for the next delivery and the command exits \
            69. Each outcome is delivered once, however often the command is killed and run again. \
            Outcomes already exported to a file (export-outcomes) are not sent.
            """)

    @OptionGroup var common: CommonOptions

    @OptionGroup var trsSource: TRSOptions

    func validate() throws {
        if trsSource.trs != nil { throw ValidationError("deliver sends to TRS's API: give --trs-api, not --trs.") }
        if trsSource.apiURL == nil { throw ValidationError("give --trs-api URL (or set ECT_BATCH_TRS_API).") }
    }

    func run() throws {
        let logger = common.makeLogger()
        let outcome: OutcomeDeliverer.Outcome
        do {
            guard let client = try trsSource.client() else { throw ValidationError("no TRS API") }
            let deliverer = OutcomeDeliverer(
                root: common.dataRoot, client: client, logger: logger,
                killAfterAnswers: ProcessInfo.processInfo.environment["ECT_BATCH_KILL_DELIVER_AFTER"].flatMap { Int($0) })
            outcome = try deliverer.deliver()
            let asked = client.counts
            logger.info("TRS API: \(asked.deliveryRequests) PUT request(s), \(asked.retries) retried, \(asked.waitingNanoseconds / 1_000_000) ms waiting")
        } catch let error as RunError {
            throw logger.failure(error)
        }
        print("Delivered \(outcome.delivered) outcome(s) to TRS; \(outcome.superseded) superseded, \(outcome.failed) failed.")
        if let why = outcome.stoppedBecause {
            logger.critical("delivery stopped: \(why); \(outcome.pending) outcome(s) wait for the next delivery")
            print("Not finished: \(outcome.pending) outcome(s) pending (TRS unreachable). Exit 69.")
            throw ExitCode(69)
        }
    }
}

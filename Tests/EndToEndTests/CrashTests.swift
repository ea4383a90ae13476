import Foundation
import Testing
import TestSupport

/// A run killed (SIGKILL) in the middle of a file leaves the store as it was before that
/// file; the next run picks the file up again and ends exactly where an uninterrupted
/// run ends.
@Suite("Crash safety")
struct CrashTests {
    static let uninterrupted: (outbox: [String: Data], archive: [String: Data], store: String) = {
        let root = try! Executable.sampleRoot()
        let result = try! Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        precondition(result.status == 0, result.stderr)
        return (Executable.files(under: root + "/outbox"), Folder.archived(under: root + "/archive"), try! Executable.storeDump(root))
    }()

    // Kill points, in rows validated: in a school's, a trust's and an appropriate body's
    // files, on a file's last row, in JSON and NDJSON files, and in the last file.
    @Test("killed after N rows, then rerun, ends like an uninterrupted run", arguments: [1, 28, 30, 40, 47, 60, 95, 120, 138])
    func killAndRerun(_ rows: Int) throws {
        let root = try Executable.sampleRoot()
        let before = try Executable.storeDump(root)
        let killed = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"],
                                        environment: ["ECT_BATCH_KILL_AFTER_ROWS": String(rows)])
        #expect(killed.killedBySignal, "the run was meant to be killed after \(rows) rows")

        // Nothing of the interrupted file was applied: each committed submission's inputs
        // have left the inbox, and the store holds no row of a file still in the inbox.
        let dump = try Executable.storeDump(root)
        let inbox = Executable.files(under: root + "/inbox")
        #expect(!inbox.isEmpty)
        #expect(dump != before || rows == 1)
        for path in inbox.keys {
            let key = path.split(separator: "/").joined(separator: "|") + "|"
            #expect(!dump.split(separator: "\n").contains { $0.hasPrefix(key) }, "\(path) is still in the inbox but the store has its submission")
        }
        // Nothing half-written in the outbox or archive: in-progress files live in tmp/.
        for folder in ["/outbox", "/archive"] {
            for path in Executable.files(under: root + folder).keys {
                #expect(!(path as NSString).lastPathComponent.hasPrefix("."), "\(folder)/\(path) is a leftover")
            }
        }
        // No result file is visible for an uncommitted file.
        for path in Executable.files(under: root + "/outbox").keys {
            let stem = ((path as NSString).lastPathComponent as NSString).components(separatedBy: ".results.")[0]
            let folder = (path as NSString).deletingLastPathComponent
            #expect(!inbox.keys.contains { $0.hasPrefix(folder + "/" + stem + ".") }, "\(path) is visible but its input was not committed")
        }

        let rerun = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(Executable.files(under: root + "/outbox") == Self.uninterrupted.outbox)
        #expect(Folder.archived(under: root + "/archive") == Self.uninterrupted.archive)
        #expect(try Executable.storeDump(root) == Self.uninterrupted.store)
        #expect(Executable.files(under: root + "/inbox").isEmpty)
        #expect(Executable.files(under: root + "/tmp").isEmpty, "the rerun cleared what the killed run left")
    }
}

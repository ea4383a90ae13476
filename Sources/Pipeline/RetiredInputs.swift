#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Logging
import Reports
import Store

/// Processed inputs between their file's commit and the end of the run.
///
/// A processed input leaves the inbox by rename into `<root>/tmp/`, its inbox path in its
/// new name, and is deleted only after the run's full checkpoint has synced the store.
/// Commits are not synced one by one (see README, "Durability"), so after a power cut the
/// next run looks at what it finds there first: an input whose file the store does not
/// know (its commit was lost) goes back to the inbox, to be processed again; the rest are
/// deleted with the other leftovers of `tmp/`, unless the result file went missing with
/// the power, when the input goes back too and its result is re-issued.
enum RetiredInputs {
    static let suffix = ".retired"

    /// The name of `file` retired as the run's `number`th: `<pid>-<number>-<kind>%2F<id>%2F<name>.retired`;
    /// `nil` when that would be too long for a file name.
    static func name(for file: InboxFile, number: Int) -> String? {
        let relative = "\(file.submitter.kind.rawValue)/\(file.submitter.id)/\(file.name)"
        let escaped = relative.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
        let name = "\(getpid())-\(number)-\(escaped)\(suffix)"
        return name.utf8.count <= 255 ? name : nil
    }

    /// The submitter and inbox file name a retired input's name holds.
    static func original(of name: String) -> (submitter: Submitter, name: String)? {
        guard name.hasSuffix(suffix) else { return nil }
        let parts = name.dropLast(suffix.count).split(separator: "-", maxSplits: 2)
        guard parts.count == 3 else { return nil }
        let relative = parts[2].replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%25", with: "%")
        let path = relative.split(separator: "/", omittingEmptySubsequences: false)
        // Inbox files and folders are never hidden, so `.`, `..` and the like cannot come back.
        guard path.count == 3, let kind = SubmitterKind(rawValue: String(path[0])),
              path.dropFirst().allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") }) else { return nil }
        return (Submitter(kind: kind, id: String(path[1])), String(path[2]))
    }

    /// Puts back into the inbox every retired input in `root`'s `tmp/` whose file the store
    /// does not know, and deletes the others. Returns the paths put back.
    static func recover(root: DataRoot, store: Store, logger: Logger) throws(RunError) -> [String] {
        var restored: [String] = []
        for name in Inbox.entries(of: root.temporary) {
            guard let (submitter, fileName) = original(of: name) else { continue }
            let path = root.temporary + "/" + name
            guard let sha256 = try? Fingerprint.sha256(path: path) else { continue }
            let known: Bool
            do {
                known = try store.read { try $0.submission(from: submitter, sha256: sha256) } != nil
            } catch {
                throw .store(String(describing: error))
            }
            if known && hasResult(root: root, submitter: submitter, fileName: fileName) {
                unlink(path)
                continue
            }
            let folder = root.folder(root.inbox, for: submitter)
            guard (try? Directories.create(folder)) != nil else { continue }
            let target = FileProcessor.unique(folder + "/" + fileName)
            guard rename(path, target) == 0 else { continue }
            logger.warning("put back in the inbox: \(target.loggable) (a power cut lost its \(known ? "result file" : "commit"); it is \(known ? "re-issued" : "processed again"))")
            restored.append(target)
        }
        return restored
    }

    /// Whether the outbox holds a result for the inbox file `fileName` (`<stem>.results.*`,
    /// or a numbered `<stem>-<n>.results.*`: the names `FileProcessor.resultPath` gives).
    static func hasResult(root: DataRoot, submitter: Submitter, fileName: String) -> Bool {
        let stem = FileProcessor.resultStem(of: fileName)
        let folder = root.folder(root.outbox, for: submitter)
        return Inbox.entries(of: folder).contains { name in
            guard name.hasPrefix(stem) else { return false }
            var rest = name.dropFirst(stem.count)
            if rest.first == "-" {
                rest = rest.dropFirst().drop(while: \.isNumber)
            }
            return rest.hasPrefix(".results.")
        }
    }
}

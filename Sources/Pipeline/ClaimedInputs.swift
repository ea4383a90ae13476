#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSupport
import Domain
import Logging
import Reports
import Store

/// Inputs the run has taken out of the inbox: `<root>/tmp/inputs/<kind>/<id>/<name>`.
///
/// A file is claimed — renamed there from the inbox — before its first byte is read, so
/// that bytes arriving later at the same inbox path (a re-upload, a `.part` renamed over
/// it) are a new file for the next run, never mistaken for the one being processed. A
/// claimed file then leaves in one of three ways:
/// - committed (processed or re-issued): it waits until the run's end, when the store has
///   been checkpointed and the file system synced, and is deleted;
/// - refused as a whole: it moves on to quarantine;
/// - not finished because of a fault of ours: it goes back to the inbox path it came from
///   (beside a file uploaded there since, never over it).
///
/// A run stopped by a kill or a power cut leaves claimed files behind; the next run sorts
/// them out first (`recover`). Nothing there is deleted unless the store holds its commit
/// and its result file exists.
enum ClaimedInputs {
    static func folder(_ root: DataRoot) -> String { root.temporary + "/inputs" }

    static func folder(_ root: DataRoot, for submitter: Submitter) -> String {
        root.folder(folder(root), for: submitter)
    }

    /// Moves `file` out of the inbox into the claimed folder; `nil` when it has gone since
    /// the inbox was listed.
    static func claim(_ file: InboxFile, root: DataRoot) throws(SystemError) -> InboxFile? {
        let target = folder(root, for: file.submitter) + "/" + file.name
        try Directories.create(folder(root, for: file.submitter))
        guard ect_rename_no_replace(file.inboxPath, target) == 0 else {
            if errno == ENOENT, access(file.inboxPath, F_OK) != 0 { return nil }
            throw .last(.rename, file.inboxPath)
        }
        return file.moved(to: target)
    }

    /// Puts a claimed file back at its inbox path, or beside a file uploaded there since
    /// (`name-2.ext`…); returns where it went.
    @discardableResult
    static func putBack(_ file: InboxFile) throws(SystemError) -> String {
        guard file.isClaimed else { return file.path }
        let slash = file.inboxPath.lastIndex(of: "/")!
        try Directories.create(String(file.inboxPath[..<slash]))
        var target = file.inboxPath
        var counter = 2
        while ect_rename_no_replace(file.path, target) != 0 {
            guard errno == EEXIST else { throw .last(.rename, file.path) }
            target = numbered(file.inboxPath, counter)
            counter += 1
        }
        return target
    }

    /// `folder/stem-N.ext` for `folder/stem.ext`.
    static func numbered(_ path: String, _ number: Int) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        return FileNames.fitting(String(path[slash..<dot]) + "-\(number)", String(path[dot...]))
            .withFolder(String(path[..<slash]))
    }

    /// Deletes committed inputs (at the end of a run, once the store and outputs are on
    /// disk). One that cannot be deleted is left for the next run's `recover`.
    static func delete(_ paths: [String], logger: Logger) {
        for path in paths where unlink(path) != 0 && errno != ENOENT {
            logger.warning("\(SystemError.last(.unlink, path)); the next run deletes it")
        }
    }

    /// What `recover` did.
    struct Recovery {
        /// Inputs put back in the inbox: the store does not hold their commit, or their
        /// result file was lost.
        var restored: [String] = []
        /// Inputs that could not be sorted out; they stay where they are, and their
        /// submitters' files wait for a later run.
        var faults: [RunFault] = []
    }

    /// Sorts out what a stopped run left claimed: an input whose commit the store holds
    /// and whose result exists is deleted; any other goes back to the inbox, to be
    /// processed (or its result re-issued: the fingerprint makes both harmless).
    static func recover(root: DataRoot, store: Store, logger: Logger) throws(RunError) -> Recovery {
        var recovery = Recovery()
        for (file, submitter) in leftovers(root) {
            let path = file.path
            let sha256: String
            do {
                sha256 = try Fingerprint.sha256(path: path)
            } catch {
                // Only regular files are ever claimed: a content error means something else
                // was put in the claimed folder.
                let cause: RunError = switch error {
                case .system(let error): .system(error)
                case .content: .system(SystemError(.open, path, errno: ELOOP))
                }
                recovery.faults.append(RunFault(submitter: submitter, file: file.inboxPath, error: cause))
                continue
            }
            let record: SubmissionRecord?
            do {
                record = try store.read { try $0.submission(from: submitter, sha256: sha256) }
            } catch {
                throw .store(String(describing: error))
            }
            if let record, record.status == .processed, hasResult(root: root, record) {
                if unlink(path) != 0 {
                    recovery.faults.append(RunFault(submitter: submitter, file: file.inboxPath,
                                                    error: .system(.last(.unlink, path))))
                }
                continue
            }
            do {
                let target = try putBack(file)
                let why = record == nil ? "a stopped run had not committed it; it is processed again"
                    : record!.status == .refused ? "a stopped run had not quarantined it; it is refused again"
                    : "a stopped run lost its result file; the result is re-issued"
                logger.warning("put back in the inbox: \(target.loggable) (\(why))")
                recovery.restored.append(target)
            } catch {
                logger.error("cannot put back \(path.loggable) in the inbox: \(error); it stays where it is")
                recovery.faults.append(RunFault(submitter: submitter, file: file.inboxPath, error: .system(error)))
            }
        }
        return recovery
    }

    /// The claimed files a stopped run left, each with its inbox path: those in
    /// `tmp/inputs/<kind>/<id>/`, and those an earlier version left in `tmp/` itself
    /// (named `<pid>-<n>-<kind>%2F<id>%2F<name>.retired`).
    static func leftovers(_ root: DataRoot) -> [(InboxFile, Submitter)] {
        var found: [(InboxFile, Submitter)] = []
        for kind in SubmitterKind.allCases {
            let kindFolder = folder(root) + "/" + kind.rawValue
            for id in Inbox.entries(of: kindFolder) where id.isValidUTF8 {
                let submitter = Submitter(kind: kind, id: id)
                for name in Inbox.entries(of: kindFolder + "/" + id) where name.isValidUTF8 {
                    let inbox = root.folder(root.inbox, for: submitter) + "/" + name
                    let file = InboxFile(submitter: submitter, name: name, path: inbox, arrival: 0)
                    found.append((file.moved(to: kindFolder + "/" + id + "/" + name), submitter))
                }
            }
        }
        for name in Inbox.entries(of: root.temporary) {
            guard let (submitter, fileName) = legacyOriginal(of: name) else { continue }
            let inbox = root.folder(root.inbox, for: submitter) + "/" + fileName
            let file = InboxFile(submitter: submitter, name: fileName, path: inbox, arrival: 0)
            found.append((file.moved(to: root.temporary + "/" + name), submitter))
        }
        return found
    }

    static let legacySuffix = ".retired"

    /// The submitter and inbox name an earlier version's retired input's name holds.
    static func legacyOriginal(of name: String) -> (submitter: Submitter, name: String)? {
        guard name.hasSuffix(legacySuffix) else { return nil }
        let parts = name.dropLast(legacySuffix.count).split(separator: "-", maxSplits: 2)
        guard parts.count == 3 else { return nil }
        let relative = parts[2].replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%25", with: "%")
        let path = relative.split(separator: "/", omittingEmptySubsequences: false)
        // Inbox files and folders are never hidden, so `.`, `..` and the like cannot come back.
        guard path.count == 3, let kind = SubmitterKind(rawValue: String(path[0])),
              path.dropFirst().allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") }) else { return nil }
        return (Submitter(kind: kind, id: String(path[1])), String(path[2]))
    }

    /// Whether the outbox holds the result written for `record`: the name the store
    /// recorded, or for a record from before names were recorded, `<stem>.results.*` or
    /// `<stem>-<n>.results.*`.
    static func hasResult(root: DataRoot, _ record: SubmissionRecord) -> Bool {
        let folder = root.folder(root.outbox, for: record.submitter)
        if let name = record.resultName { return access(folder + "/" + name, F_OK) == 0 }
        let stem = FileProcessor.resultStem(of: record.fileName)
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

extension String {
    /// `folder/self`.
    func withFolder(_ folder: String) -> String { folder.isEmpty ? self : folder + self }
}

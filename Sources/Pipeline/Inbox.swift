#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain

/// A file found in the inbox, ready to process.
public struct InboxFile: Hashable, Sendable {
    public let submitter: Submitter
    public let name: String
    /// Where the file is now: its inbox path, or where the run claimed it (see `ClaimedInputs`).
    public let path: String
    /// Where the submitter put it.
    public let inboxPath: String
    /// Modification time, in nanoseconds since 1970: the arrival order.
    public let arrival: Int64

    public init(submitter: Submitter, name: String, path: String, arrival: Int64) {
        self.submitter = submitter
        self.name = name
        self.path = path
        self.inboxPath = path
        self.arrival = arrival
    }

    private init(_ file: InboxFile, path: String) {
        submitter = file.submitter
        name = file.name
        self.path = path
        inboxPath = file.inboxPath
        arrival = file.arrival
    }

    /// The same file, moved to `path`.
    func moved(to path: String) -> InboxFile { InboxFile(self, path: path) }

    /// Whether it is still where the submitter put it.
    var isClaimed: Bool { path != inboxPath }
}

/// Something in the inbox that will not be processed, and why.
public struct InboxNotice: Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        /// A name ending `.part`, `.partial` or `.tmp`, a hidden name, or a file modified
        /// within the settle time: still being uploaded, left for the next run.
        case stillArriving
        /// Not a regular file (a symbolic link, a folder, a device): never followed.
        case notRegularFile
        /// A folder under `inbox/` that is not a submitter kind.
        case unknownKindFolder
        /// A name that is not UTF-8 text: it cannot be named in a result or a log. Rename it.
        case nameNotUTF8
    }

    public let path: String
    public let reason: Reason
}

/// Finds the files to process: `inbox/<submitter-kind>/<submitter-id>/<file>`, in the
/// order SPEC.md §3 fixes (kind, id, arrival time, name).
public struct Inbox {
    public let root: DataRoot
    /// Files modified less than this many seconds before `now` are left for the next run.
    public let settleSeconds: Int

    public init(root: DataRoot, settleSeconds: Int = 0) {
        self.root = root
        self.settleSeconds = settleSeconds
    }

    public struct Listing: Sendable {
        public var files: [InboxFile] = []
        public var notices: [InboxNotice] = []
        /// Folders that could not be listed: ours to fix (permissions, I/O). A submitter's
        /// folder that cannot be listed holds files that wait for the next run.
        public var faults: [RunFault] = []
    }

    public func scan(now: Int64 = Inbox.nowNanoseconds()) -> Listing {
        var listing = Listing()
        func entries(_ folder: String, submitter: Submitter?) -> [String] {
            switch Inbox.listing(of: folder) {
            case .success(let names):
                return names.filter { name in
                    guard name.isValidUTF8 else {
                        listing.notices.append(InboxNotice(path: folder + "/" + name, reason: .nameNotUTF8))
                        return false
                    }
                    return true
                }
            case .failure(let error):
                // An inbox not made yet is an empty inbox.
                if error.errno == ENOENT && folder == root.inbox { return [] }
                listing.faults.append(RunFault(submitter: submitter, file: nil, error: .system(error)))
                return []
            }
        }
        for kindName in entries(root.inbox, submitter: nil) where !kindName.hasPrefix(".") {
            let kindPath = root.inbox + "/" + kindName
            guard let kind = SubmitterKind(rawValue: kindName) else {
                listing.notices.append(InboxNotice(path: kindPath, reason: .unknownKindFolder))
                continue
            }
            guard Inbox.type(of: kindPath) == S_IFDIR else {
                listing.notices.append(InboxNotice(path: kindPath, reason: .notRegularFile))
                continue
            }
            for id in entries(kindPath, submitter: nil) where !id.hasPrefix(".") {
                let folder = kindPath + "/" + id
                guard Inbox.type(of: folder) == S_IFDIR else {
                    listing.notices.append(InboxNotice(path: folder, reason: .notRegularFile))
                    continue
                }
                for name in entries(folder, submitter: Submitter(kind: kind, id: id)) {
                    let path = folder + "/" + name
                    var info = stat()
                    guard lstat(path, &info) == 0 else {
                        // Gone since it was listed: nothing to do. Anything else is ours.
                        if errno != ENOENT {
                            listing.faults.append(RunFault(submitter: Submitter(kind: kind, id: id), file: path,
                                                           error: .system(.last(.stat, path))))
                        }
                        continue
                    }
                    guard (info.st_mode & S_IFMT) == S_IFREG else {
                        listing.notices.append(InboxNotice(path: path, reason: .notRegularFile))
                        continue
                    }
                    let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                    if Inbox.isPartialName(name) || modified > now - Int64(settleSeconds) * 1_000_000_000 && settleSeconds > 0 {
                        listing.notices.append(InboxNotice(path: path, reason: .stillArriving))
                        continue
                    }
                    listing.files.append(InboxFile(submitter: Submitter(kind: kind, id: id), name: name, path: path,
                                                   arrival: modified))
                }
            }
        }
        listing.files.sort { a, b in
            (a.submitter.kind.order, a.submitter.id, a.arrival, a.name) < (b.submitter.kind.order, b.submitter.id, b.arrival, b.name)
        }
        return listing
    }

    /// Hidden names and `.part`, `.partial`, `.tmp` names belong to uploads in progress.
    public static func isPartialName(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".part") || name.hasSuffix(".partial") || name.hasSuffix(".tmp")
    }

    /// The names in `directory`, sorted; none when it cannot be listed (see `listing(of:)`).
    static func entries(of directory: String) -> [String] {
        (try? listing(of: directory).get()) ?? []
    }

    /// The names in `directory`, sorted, or why it cannot be listed. A name that is not
    /// UTF-8 comes back with U+FFFD in place of its bad bytes (see `String.isValidUTF8`).
    static func listing(of directory: String) -> Result<[String], SystemError> {
        guard let handle = opendir(directory) else { return .failure(.last(.list, directory)) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.prefix(while: { $0 != 0 })
                return String(validating: bytes, as: UTF8.self)
                    ?? String(decoding: bytes, as: UTF8.self) + Inbox.notUTF8Marker
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names.sorted())
    }

    /// Ends the name of a directory entry whose bytes are not UTF-8 (it cannot be opened
    /// by that name); a NUL, which no file name can hold.
    static let notUTF8Marker = "\u{0}"

    static func type(of path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }

    public static func nowNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

extension String {
    /// False for a directory entry's name that was not UTF-8 (see `Inbox.listing(of:)`).
    var isValidUTF8: Bool { !hasSuffix(Inbox.notUTF8Marker) }
}

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
    public let path: String
    /// Modification time, in nanoseconds since 1970: the arrival order.
    public let arrival: Int64
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
    }

    public func scan(now: Int64 = Inbox.nowNanoseconds()) -> Listing {
        var listing = Listing()
        for kindName in Inbox.entries(of: root.inbox) where !kindName.hasPrefix(".") {
            let kindPath = root.inbox + "/" + kindName
            guard let kind = SubmitterKind(rawValue: kindName) else {
                listing.notices.append(InboxNotice(path: kindPath, reason: .unknownKindFolder))
                continue
            }
            guard Inbox.type(of: kindPath) == S_IFDIR else {
                listing.notices.append(InboxNotice(path: kindPath, reason: .notRegularFile))
                continue
            }
            for id in Inbox.entries(of: kindPath) where !id.hasPrefix(".") {
                let folder = kindPath + "/" + id
                guard Inbox.type(of: folder) == S_IFDIR else {
                    listing.notices.append(InboxNotice(path: folder, reason: .notRegularFile))
                    continue
                }
                for name in Inbox.entries(of: folder) {
                    let path = folder + "/" + name
                    var info = stat()
                    guard lstat(path, &info) == 0 else { continue }
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

    static func entries(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Parsers
import Reports
import Store

/// The run's archive: every input it processes, date of birth and NINO blanked, as an
/// entry `<kind>/<id>/<name>` of one tar file, `<root>/archive/<as-of>/<run-id>.tar`,
/// made when the first entry is written. One file a run rather than one an input: on a
/// night of ~18,000 small files, creating files and folders was most of the archive's cost.
///
/// An entry is written before its file's transaction commits and the store records where
/// it is (`ArchiveLocation`) in that transaction; a file whose transaction does not commit
/// takes its entry back off the end. A run stopped by a kill leaves what it wrote past
/// its last commit; the next run cuts that off (`recover`). So every entry in a bundle is
/// a committed file's, and each committed file's copy is in one place, which the store
/// names: retrieving a submitter's file is a look-up (`ect-batch archived`), or
/// `tar -xf` of the day's bundles.
public final class RunArchive {
    let root: DataRoot
    /// The bundle's path under `<root>/archive/`: `<as-of>/<run-id>.tar`.
    let bundleName: String
    private let modified: Int64
    private var bundle: TarBundle?
    /// Entry names used in this bundle.
    private var names: Set<String> = []

    init(root: DataRoot, asOf: Day, runID: String) {
        self.root = root
        bundleName = "\(asOf.iso)/\(runID).tar"
        modified = Int64(time(nil))
    }

    var path: String { root.archive + "/" + bundleName }

    /// Starts the archive copy of `file` (read as `format`: an XML input or a workbook is
    /// archived as CSV, so `.csv` is added to its name) at the bundle's end.
    func entry(for file: InboxFile, format: FileFormat) throws(SystemError) -> TarBundle.Entry {
        let bundle: TarBundle
        if let open = self.bundle {
            bundle = open
        } else {
            bundle = try TarBundle(creating: path, modified: modified)
            self.bundle = bundle
        }
        let folder = "\(file.submitter.kind.rawValue)/\(file.submitter.id)/"
        let suffix = format.archiveFormat != format ? ".csv" : ""
        var name = folder + FileNames.fitting(file.name, suffix)
        var counter = 2
        while names.contains(name) {
            name = ClaimedInputs.numbered(folder + FileNames.fitting(file.name, suffix), counter)
            counter += 1
        }
        names.insert(name)
        return bundle.append(name)
    }

    /// Where a committed `entry` is, for the store.
    func location(of entry: TarBundle.Entry) -> ArchiveLocation {
        ArchiveLocation(bundle: bundleName, entry: entry.name, offset: entry.offset, length: entry.length)
    }

    /// Ends the bundle with tar's closing blocks, if the run wrote one.
    func close() throws(SystemError) {
        try bundle?.close()
        bundle = nil
    }

    /// Whether the archive holds the whole entry `location` names.
    static func holds(_ location: ArchiveLocation, root: DataRoot) -> Bool {
        let path = root.archive + "/" + location.bundle
        guard let member = try? TarReader.member(path: path, at: location.offset) else { return false }
        return member.name == location.entry && member.length == location.length
    }

    /// The archive copies of `submitter`'s files named `name`, oldest first, each with the
    /// day it was processed.
    public static func copies(of submitter: Submitter, named name: String, store: Store) throws(RunError)
        -> [(asOf: String, location: ArchiveLocation)] {
        do {
            return try store.read { try $0.archiveCopies(of: submitter, named: name) }
        } catch {
            throw .store(String(describing: error))
        }
    }

    /// The bytes of the archive copy at `location`: a missing bundle (removed when its
    /// day aged out) or an entry not where the store says is `ENOENT` on the bundle.
    public static func read(_ location: ArchiveLocation, root: DataRoot) throws(RunError) -> [UInt8] {
        let path = root.archive + "/" + location.bundle
        do throws(SystemError) {
            guard let member = try TarReader.member(path: path, at: location.offset), member.name == location.entry else {
                throw SystemError(.read, path + " (entry " + location.entry + ")", errno: ENOENT)
            }
            return try TarReader.data(path: path, of: member)
        } catch {
            throw .system(error)
        }
    }

    /// Ends the bundles of runs a kill or a power cut stopped (the store never recorded
    /// their end): whatever follows the last entry the store knows of, written for a file
    /// whose transaction never committed, is cut off.
    static func recover(root: DataRoot, store: Store, runID: String) throws(RunError) {
        let stopped: [(id: String, asOf: String)]
        do {
            stopped = try store.read { try $0.unfinishedRuns(otherThan: runID) }
        } catch {
            throw .store(String(describing: error))
        }
        for run in stopped {
            let bundleName = "\(run.asOf)/\(run.id).tar"
            let path = root.archive + "/" + bundleName
            guard Inbox.type(of: path) == S_IFREG else { continue }
            let end: Int64
            do {
                end = try store.read { try $0.archiveEnd(of: bundleName) }
            } catch {
                throw .store(String(describing: error))
            }
            do {
                if try TarBundle.isSealed(path: path, end: end) { continue }
                try TarBundle.seal(path: path, end: end)
            } catch {
                throw .system(error)
            }
        }
    }
}

import Domain
import Parsers
import Rules

/// What a night will ask TRS: the (TRN, date of birth, NINO) of every row of the files
/// listed, read in place before any file is claimed (the API is asked about them all in
/// bulk; see `TRSAPISource`). A file that cannot be read, or is not a submission, gives
/// nothing here: its own processing says why. Held in memory only.
enum TRSPrefetch {
    static func lookups(in files: [InboxFile], asOf: Day, scratch: String) -> [TRSLookup] {
        var lookups: [TRSLookup] = []
        for file in files {
            guard let reader = try? SubmissionReader(path: file.path, scratch: scratch) else { continue }
            while let row = try? reader.next() {
                guard !row.isBlank, row.problem == nil, let lookup = TRSLookup(row: row.input, today: asOf) else { continue }
                lookups.append(lookup)
            }
        }
        return lookups
    }
}

import Domain
import Foundation
import Parsers

/// A seeded generator of benchmark data roots: a TRS extract, reference data and an
/// inbox of one of three shapes; about one row in ten is invalid in one of several ways.
/// The same seed gives the same bytes.
public struct Generator {
    public enum Shape: String, CaseIterable, Sendable {
        /// Appropriate bodies' claims files (then actions files, when spread over several).
        case claims
        /// One trust's registrations file across 60 schools.
        case trust
        /// A night's mix: see `RealisticInbox`.
        case realistic
    }

    var rng: SplitMix64
    let rows: Int
    let files: Int
    let shape: Shape
    let appropriateBodies = 40
    let trustSchools = 60
    public let asOf = Day(iso: "2026-11-20")!

    public init(seed: UInt64, rows: Int, files: Int, shape: Shape) {
        self.rng = SplitMix64(seed: seed)
        self.rows = rows
        self.files = max(1, files)
        self.shape = shape
    }

    static func trn(_ index: Int) -> Int { 2_000_000 + index }

    func dateOfBirth(_ index: Int) -> String {
        Day(iso: "1975-01-01")!.adding(days: (index * 7919) % 9000).iso
    }

    /// The reference data `write` put in `<root>/reference/`, as `load-reference` reads it.
    public static func reference(root: String) throws -> ReferenceData {
        let folder = root + "/reference/"
        let authorities = FileManager.default.fileExists(atPath: folder + "local-authorities.csv")
            ? try ReferenceReader.localAuthorities(path: folder + "local-authorities.csv").values : []
        return ReferenceData(
            schools: try ReferenceReader.schools(path: folder + "schools.csv").values,
            trusts: try ReferenceReader.trusts(path: folder + "trusts.csv").values,
            appropriateBodies: try ReferenceReader.appropriateBodies(path: folder + "appropriate-bodies.csv").values,
            localAuthorities: authorities)
    }

    /// Writes `<root>/trs/`, `<root>/reference/` and `<root>/inbox/`.
    /// Returns the number of inbox files written.
    public mutating func write(root: String) throws -> Int {
        let fm = FileManager.default
        for folder in ["trs", "reference", "inbox/appropriate-bodies"] {
            try fm.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        // The teachers: one per claims row, plus 5% more who are never claimed.
        let teachers = rows + rows / 20
        var trs = BufferedWriter(path: root + "/trs/trs.csv")
        trs.write("trn,first_name,middle_name,last_name,date_of_birth,national_insurance_number,qts_award_date,induction_status,induction_start_date,induction_completion_date,prohibited_from_teaching,record_status,merged_into_trn\n")
        for index in 0..<teachers {
            let status = index % 97 == 0 ? "Exempt" : index % 89 == 0 ? "Passed" : "RequiredToComplete"
            let nino = shape == .realistic ? RealisticInbox.nino(index) : ""
            trs.write("\(Self.trn(index)),First\(index % 500),,Last\(index % 777),\(dateOfBirth(index)),\(nino),2022-07-15,\(status),,,\(index % 211 == 0 ? "true" : "false"),,\n")
        }
        try trs.close()
        if shape == .realistic {
            var inbox = RealisticInbox(seed: rng.next(), rows: rows, asOf: asOf)
            return try inbox.write(root: root, dateOfBirth: dateOfBirth)
        }
        var bodies = "id,name,dfe_sign_in_organisation_id\n"
        for ab in 0..<appropriateBodies { bodies += "AB\(1000 + ab),Appropriate body \(ab),org-\(ab)\n" }
        try bodies.write(toFile: root + "/reference/appropriate-bodies.csv", atomically: true, encoding: .utf8)
        var schools = "URN,EstablishmentName,Trusts (code)\n"
        for school in 0..<trustSchools * 2 { schools += "\(200_000 + school),School \(school),\(school < trustSchools ? "5001" : "5002")\n" }
        try schools.write(toFile: root + "/reference/schools.csv", atomically: true, encoding: .utf8)
        try "Group UID,Group Name\n5001,Big Trust\n5002,Other Trust\n".write(toFile: root + "/reference/trusts.csv", atomically: true, encoding: .utf8)
        if shape == .trust {
            try writeTrustFile(root: root)
            return 1
        }

        // Claims for 80% of the rows, actions for the rest (on teachers claimed earlier).
        // A single file is all claims (the one-big-file case); otherwise 80% claims, then actions.
        let claims = files == 1 ? rows : rows * 4 / 5
        let perFile = max(1, (rows + files - 1) / files)
        var written = 0
        var fileNumber = 0
        while written < rows {
            let count = min(perFile, rows - written)
            let ab = fileNumber % appropriateBodies
            let folder = root + "/inbox/appropriate-bodies/AB\(1000 + ab)"
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let isClaims = written < claims
            var out = BufferedWriter(path: folder + String(format: "/%06d-%@.csv", fileNumber, isClaims ? "claims" : "actions"))
            out.write(isClaims ? "TRN,Date of birth,Induction programme,Induction period start date\n"
                               : "TRN,Date of birth,Induction period end date,Number of terms,Outcome\n")
            for offset in 0..<count {
                let row = written + offset
                // Actions act on a teacher that an earlier claims row claimed, from the same AB.
                let index = isClaims ? row : (row - claims) * 4
                out.write(isClaims ? claimLine(index) : actionLine(index))
            }
            try out.close()
            // Arrival order follows the file number.
            try fm.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000 + Double(fileNumber))],
                                 ofItemAtPath: folder + String(format: "/%06d-%@.csv", fileNumber, isClaims ? "claims" : "actions"))
            written += count
            fileNumber += 1
        }
        return fileNumber
    }

    /// One registrations file from trust 5001 with `rows` rows across its schools.
    mutating func writeTrustFile(root: String) throws {
        let folder = root + "/inbox/trusts/5001"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var out = BufferedWriter(path: folder + "/registrations.csv")
        out.write("TRN,Date of birth,National insurance number,Name,Email,School start date,School URN,Working pattern,Training programme,Lead provider\n")
        for index in 0..<rows {
            var urn = String(200_000 + index % trustSchools), email = "ect\(index)@trust.org.uk", start = "2026-09-01"
            var dob = dateOfBirth(index)
            switch rng.next() % 40 {
            case 0: urn = String(200_000 + trustSchools + index % trustSchools)
            case 1: email = "ect\(index)"
            case 2: start = "2023-09-01"
            case 3: dob = "1970-01-01"
            default: break
            }
            out.write("\(Self.trn(index)),\(dob),,,\(email),\(start),\(urn),full-time,school-led,\n")
        }
        try out.close()
    }

    mutating func claimLine(_ index: Int) -> String {
        Self.claim(index, dob: dateOfBirth(index), asOf: asOf, startDaysBack: 0, rng: &rng).map(\.1).joined(separator: ",") + "\n"
    }

    /// A claims row for teacher `index`, started `startDaysBack` or more days before
    /// `asOf`; one in ten is invalid (TRN, date of birth, programme or start date).
    static func claim(_ index: Int, dob: String, asOf: Day, startDaysBack: Int,
                      rng: inout SplitMix64) -> [(Field, String)] {
        var trn = String(Self.trn(index)), dob = dob, programme = index % 3 == 0 ? "school-led" : "provider-led"
        var start = asOf.adding(days: -(index % 400) - startDaysBack).iso
        switch rng.next() % 40 {
        case 0: trn = "T\(index)"
        case 1: dob = "1990-02-30"
        case 2: programme = "blended"
        case 3: start = "2027-01-01"
        default: break
        }
        return [(.trn, trn), (.dateOfBirth, dob), (.inductionProgramme, programme), (.inductionStartDate, start)]
    }

    mutating func actionLine(_ index: Int) -> String {
        let outcome = ["release", "pass", "pass", "release"][index % 4]
        var terms = "6"
        if rng.next() % 20 == 0 { terms = "3.25" }
        return "\(Self.trn(index)),\(dateOfBirth(index)),\(asOf.adding(days: -1).iso),\(terms),\(outcome)\n"
    }
}

/// A small, fast, seeded random number generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Appends text to a file through a buffer.
struct BufferedWriter {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = FileHandle(forWritingAtPath: path)!
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
    }

    mutating func close() throws {
        handle.write(Data(buffer))
        try handle.close()
    }
}

import Domain
import Foundation

/// A realistic nightly inbox of about `rows` rows: every submitter type, all five kinds,
/// CSV, JSON, NDJSON and XML, about one row in ten invalid in one of several ways.
///
/// Shape, per 1,000,000 rows: ~16,700 school files of 1–23 rows (registrations and
/// mentors), ~750 trust files of ~400 rows across their schools, and ~500 appropriate-body
/// files of ~1,000 rows (claims, then actions and extensions on teachers claimed
/// earlier). Files arrive in that order (by modification time), as a night's uploads
/// would be processed: schools and trusts register, bodies claim, then act.
struct RealisticInbox {
    var rng: SplitMix64
    let rows: Int
    let asOf: Day
    let bodies: Int
    let schools: Int
    let trusts: Int
    /// Schools `0..<trustSchools` belong to trusts, `schoolsPerTrust` each.
    var schoolsPerTrust: Int { max(1, schools * 6 / 10 / trusts) }

    init(seed: UInt64, rows: Int, asOf: Day) {
        rng = SplitMix64(seed: seed)
        self.rows = rows
        self.asOf = asOf
        bodies = 40
        schools = max(20, rows / 60)
        trusts = max(2, schools / 25)
    }

    static func urn(_ school: Int) -> Int { 200_000 + school }

    /// Local authorities in four regions, of very different sizes (so that some of their
    /// counts are small and suppressed), and one LA GIAS names that the lookup lacks.
    static let authorities: [(old: String, new: String, name: String, region: String, regionName: String)] = [
        ("330", "E08000025", "Birmingham", "E12000005", "West Midlands"),
        ("331", "E08000026", "Coventry", "E12000005", "West Midlands"),
        ("885", "E10000034", "Worcestershire", "E12000005", "West Midlands"),
        ("202", "E09000007", "Camden", "E12000007", "London"),
        ("201", "E09000001", "City of London", "E12000007", "London"),
        ("208", "E09000022", "Lambeth", "E12000007", "London"),
        ("352", "E08000003", "Manchester", "E12000002", "North West"),
        ("358", "E08000009", "Trafford", "E12000002", "North West"),
        ("909", "E10000006", "Cumbria", "E12000002", "North West"),
        ("937", "E10000031", "Warwickshire", "E12000005", "West Midlands"),
        ("873", "E10000003", "Cambridgeshire", "E12000006", "East of England"),
        ("874", "E06000031", "Peterborough", "E12000006", "East of England"),
    ]

    /// A school's LA: Birmingham and Manchester get many schools, the City of London and
    /// Cumbria one in a hundred or so.
    static func authority(of school: Int) -> Int {
        let spread = [0, 0, 0, 0, 6, 6, 6, 3, 3, 5, 7, 1, 2, 9, 10, 11, 0, 6, 3, 5]
        let pick = spread[(school * 7) % spread.count]
        if school % 97 == 0 { return 4 }
        if school % 89 == 0 { return 8 }
        return pick
    }
    static func trustUID(_ trust: Int) -> Int { 5_000 + trust }
    func trust(of school: Int) -> Int? {
        let owned = school / schoolsPerTrust
        return owned < trusts ? owned : nil
    }

    /// A valid national insurance number for teacher `index`.
    static func nino(_ index: Int) -> String {
        let letters = ["AB", "CE", "JG", "KL", "MP", "RS", "WX", "YZ"]
        return letters[index % letters.count] + String(format: "%06d", index % 1_000_000) + ["A", "B", "C", "D"][index % 4]
    }

    mutating func pick(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(rng.next() % UInt64(range.count))
    }

    /// Writes reference data and the inbox under `root` (the TRS extract is the caller's).
    mutating func write(root: String, dateOfBirth: (Int) -> String) throws -> Int {
        try writeReference(root: root)
        var files = FileSink(root: root, clock: 1_790_000_000)
        // Teachers are handed out in order, so that no two rows of the night collide
        // unless meant to: registrations use [0, registered), mentors follow, then claims.
        let schoolRows = rows / 5, trustRows = rows * 3 / 10
        let abRows = rows - schoolRows - trustRows
        var teacher = 0
        // ECTs schools and trusts register: one claim in four is for one of them, so that
        // induction periods have a school, and so a local authority and region.
        var registered: [Int] = []

        // Schools: small files, ECT registrations and mentors, 1–23 rows each.
        var written = 0
        while written < schoolRows {
            let count = min(pick(1...23), schoolRows - written)
            let school = pick(0...(schools - 1))
            let isMentors = rng.next() % 6 == 0
            var out = files.open(kind: isMentors ? .mentors : .registrations, submitter: "schools/\(Self.urn(school))",
                                 format: pickFormat())
            for _ in 0..<count {
                out.add(isMentors ? mentorRow(teacher, urn: rng.next() % 2 == 0 ? "" : String(Self.urn(school)), dob: dateOfBirth)
                                  : registrationRow(teacher, urn: rng.next() % 2 == 0 ? "" : String(Self.urn(school)), dob: dateOfBirth))
                if !isMentors { registered.append(teacher) }
                teacher += 1
            }
            try files.close(out)
            written += count
        }
        // Trusts: registrations across their schools.
        written = 0
        while written < trustRows {
            let count = min(pick(100...700), trustRows - written)
            let trust = pick(0...(trusts - 1))
            var out = files.open(kind: .registrations, submitter: "trusts/\(Self.trustUID(trust))", format: pickFormat())
            for _ in 0..<count {
                let school = trust * schoolsPerTrust + pick(0...(schoolsPerTrust - 1))
                out.add(registrationRow(teacher, urn: String(Self.urn(school)), dob: dateOfBirth))
                registered.append(teacher)
                teacher += 1
            }
            try files.close(out)
            written += count
        }
        // Appropriate bodies: claims first; then actions (60%) and extensions (40%) on
        // teachers the same body claimed, in later files.
        let claimRows = abRows * 7 / 10
        var claimed: [[Int]] = Array(repeating: [], count: bodies)
        written = 0
        while written < claimRows {
            let count = min(pick(500...1_500), claimRows - written)
            let body = pick(0...(bodies - 1))
            var out = files.open(kind: .claims, submitter: "appropriate-bodies/AB\(1000 + body)", format: pickFormat())
            for _ in 0..<count {
                let claimant: Int
                if rng.next() % 4 == 0, let ect = registered.popLast() {
                    claimant = ect
                } else {
                    claimant = teacher
                    teacher += 1
                }
                out.add(Generator.claim(claimant, dob: dateOfBirth(claimant), asOf: asOf, startDaysBack: 30, rng: &rng))
                claimed[body].append(claimant)
            }
            try files.close(out)
            written += count
        }
        var next = Array(repeating: 0, count: bodies)
        while written < abRows {
            let body = pick(0...(bodies - 1))
            let isActions = rng.next() % 5 < 3
            let available = claimed[body].count - next[body]
            guard available > 0 else {
                if claimed.indices.allSatisfy({ claimed[$0].count == next[$0] }) { break }
                continue
            }
            let count = min(pick(200...1_500), abRows - written, available)
            var out = files.open(kind: isActions ? .actions : .extensions,
                                 submitter: "appropriate-bodies/AB\(1000 + body)", format: pickFormat())
            for _ in 0..<count {
                let index = claimed[body][next[body]]
                out.add(isActions ? actionRow(index, dob: dateOfBirth) : extensionRow(index, dob: dateOfBirth))
                next[body] += 1
            }
            try files.close(out)
            written += count
        }
        return files.count
    }

    private func writeReference(root: String) throws {
        var bodiesCSV = "id,name,dfe_sign_in_organisation_id\n"
        for body in 0..<bodies { bodiesCSV += "AB\(1000 + body),Appropriate body \(body),org-\(body)\n" }
        try bodiesCSV.write(toFile: root + "/reference/appropriate-bodies.csv", atomically: true, encoding: .utf8)
        var schoolsCSV = "URN,EstablishmentName,Trusts (code),LA (code),LA (name)\n"
        for school in 0..<schools {
            let authority = Self.authorities[Self.authority(of: school)]
            schoolsCSV += "\(Self.urn(school)),School \(school),\(trust(of: school).map { String(Self.trustUID($0)) } ?? ""),"
            schoolsCSV += "\(authority.old),\(authority.name)\n"
        }
        try schoolsCSV.write(toFile: root + "/reference/schools.csv", atomically: true, encoding: .utf8)
        var authoritiesCSV = "old_la_code,new_la_code,la_name,region_code,region_name\n"
        for authority in Self.authorities {
            authoritiesCSV += "\(authority.old),\(authority.new),\(authority.name),\(authority.region),\(authority.regionName)\n"
        }
        try authoritiesCSV.write(toFile: root + "/reference/local-authorities.csv", atomically: true, encoding: .utf8)
        var trustsCSV = "Group UID,Group Name\n"
        for trust in 0..<trusts { trustsCSV += "\(Self.trustUID(trust)),Trust \(trust)\n" }
        try trustsCSV.write(toFile: root + "/reference/trusts.csv", atomically: true, encoding: .utf8)
    }

    private mutating func pickFormat() -> FileFormat {
        switch rng.next() % 10 {
        case 0: .json
        case 1: .ndjson
        case 2: .xml
        default: .csv
        }
    }

    // MARK: Rows (about one in ten invalid)

    private mutating func registrationRow(_ index: Int, urn: String, dob: (Int) -> String) -> [(Field, String)] {
        var trn = String(Generator.trn(index)), birth = dob(index), nino = ""
        var email = "ect\(index)@school.org.uk", start = "2026-09-01", pattern = "full-time", urn = urn
        switch rng.next() % 60 {
        case 0: trn = "12345"
        case 1: birth = "1970-01-01"
        case 2: birth = "1970-01-01"; nino = Self.nino(index)  // identified by NINO
        case 3: email = "ect\(index)"
        case 4: start = "2023-09-01"
        case 5: pattern = "weekends"
        case 6: urn = String(Self.urn(schools + 1))
        default: break
        }
        return [(.trn, trn), (.dateOfBirth, birth), (.nationalInsuranceNumber, nino), (.name, ""), (.email, email),
                (.schoolStartDate, start), (.schoolURN, urn), (.workingPattern, pattern), (.trainingProgramme, "school-led")]
    }

    private mutating func mentorRow(_ index: Int, urn: String, dob: (Int) -> String) -> [(Field, String)] {
        var birth = dob(index), email = "mentor\(index)@school.org.uk", start = "2026-09-01"
        switch rng.next() % 30 {
        case 0: birth = "1990-02-30"
        case 1: email = "mentor \(index)@school"
        case 2: start = "2031-01-01"
        default: break
        }
        return [(.trn, String(Generator.trn(index))), (.dateOfBirth, birth), (.email, email), (.mentorStartDate, start),
                (.schoolURN, urn)]
    }

    private mutating func actionRow(_ index: Int, dob: (Int) -> String) -> [(Field, String)] {
        let outcome = ["release", "pass", "release", "fail"][index % 4]
        var terms = "6", end = asOf.adding(days: -1).iso
        switch rng.next() % 20 {
        case 0: terms = "3.25"
        case 1: end = "2019-01-01"
        default: break
        }
        return [(.trn, String(Generator.trn(index))), (.dateOfBirth, dob(index)), (.inductionEndDate, end),
                (.numberOfTerms, terms), (.outcome, outcome),
                (.failConfirmationDate, outcome == "fail" ? asOf.adding(days: -1).iso : "")]
    }

    private mutating func extensionRow(_ index: Int, dob: (Int) -> String) -> [(Field, String)] {
        var terms = ["1", "2", "1.5", "3"][index % 4]
        if rng.next() % 15 == 0 { terms = "0" }
        return [(.trn, String(Generator.trn(index))), (.dateOfBirth, dob(index)), (.numberOfTerms, terms)]
    }
}

/// Writes submission files in any of the four formats, each stamped one second after the
/// last so that files are processed in the order written.
struct FileSink {
    let root: String
    var clock: Double
    var count = 0

    init(root: String, clock: Double) {
        self.root = root
        self.clock = clock
    }

    struct Open {
        let path: String
        let kind: SubmissionKind
        let format: FileFormat
        var text = ""
        var records = 0

        mutating func add(_ cells: [(Field, String)]) {
            switch format {
            case .csv:
                if records == 0 { text += cells.map(\.0.header).joined(separator: ",") + "\n" }
                text += cells.map(\.1).joined(separator: ",") + "\n"
            case .json:
                text += (records == 0 ? "" : ",\n") + "    " + Self.object(cells)
            case .ndjson:
                text += Self.object(cells, kind: kind) + "\n"
            case .xml:
                text += "  <record>" + cells.map { "<\(Self.key($0.0))>\($0.1)</\(Self.key($0.0))>" }.joined() + "</record>\n"
            case .xlsx:
                preconditionFailure("the generator writes no workbooks")
            }
            records += 1
        }

        static func key(_ field: Field) -> String {
            field.header.lowercased().replacingOccurrences(of: " ", with: "_")
        }

        static func object(_ cells: [(Field, String)], kind: SubmissionKind? = nil) -> String {
            let pairs = (kind.map { ["\"kind\": \"\($0.rawValue)\""] } ?? []) + cells.map { "\"\(key($0.0))\": \"\($0.1)\"" }
            return "{" + pairs.joined(separator: ", ") + "}"
        }

        var contents: String {
            switch format {
            case .csv, .ndjson: text
            case .json: "{\n  \"kind\": \"\(kind.rawValue)\",\n  \"records\": [\n\(text)\n  ]\n}\n"
            case .xml: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<submission kind=\"\(kind.rawValue)\">\n\(text)</submission>\n"
            case .xlsx: preconditionFailure("the generator writes no workbooks")
            }
        }
    }

    mutating func open(kind: SubmissionKind, submitter: String, format: FileFormat) -> Open {
        count += 1
        let ext = format == .ndjson ? "ndjson" : format.rawValue
        return Open(path: "\(root)/inbox/\(submitter)/\(String(format: "%06d", count))-\(kind.rawValue).\(ext)", kind: kind,
                    format: format)
    }

    mutating func close(_ file: Open) throws {
        let folder = String(file.path[..<file.path.lastIndex(of: "/")!])
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try file.contents.write(toFile: file.path, atomically: false, encoding: .utf8)
        clock += 1
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: clock)], ofItemAtPath: file.path)
    }
}

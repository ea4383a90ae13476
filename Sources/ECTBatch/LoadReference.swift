import ArgumentParser
import Foundation
import Domain
import Parsers
import Pipeline
import Reports
import Store

struct LoadReference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-reference",
        abstract: "Load or reload schools, trusts, appropriate bodies, lead providers and local authorities.",
        discussion: """
            Columns are found by header and other columns are ignored, so GIAS downloads load \
            unchanged, in Windows-1252 as GIAS serves them (a UTF-8 file, with or without a byte \
            order mark, is read as UTF-8). Every establishment loads, whatever its type; only \
            those with six-digit URNs can be named in submissions. A line that cannot be used is \
            left out and reported on stderr by file and line. Schools: URN, EstablishmentName, LA (code), LA (name), TypeOfEstablishment \
            (name), EstablishmentStatus (name), PhaseOfEducation (name), Trusts (code), GOR (code), GOR (name). Trusts: \
            Group UID, Group Name, Group Type. Appropriate bodies: id, name, \
            dfe_sign_in_organisation_id. Lead providers: id, name. Existing entries are updated; \
            none is deleted.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("GIAS establishments CSV.", valueName: "file")) var schools: String?
    @Option(help: ArgumentHelp("GIAS groups CSV.", valueName: "file")) var trusts: String?
    @Option(name: .customLong("appropriate-bodies"), help: ArgumentHelp("Appropriate bodies CSV.", valueName: "file"))
    var appropriateBodies: String?
    @Option(name: .customLong("lead-providers"), help: ArgumentHelp("Lead providers CSV.", valueName: "file"))
    var leadProviders: String?
    @Option(name: .customLong("local-authorities"), help: ArgumentHelp("DfE's local-authority lookup CSV (old_la_code, new_la_code, la_name, region_code, region_name), for statistics by local authority.", valueName: "file"))
    var localAuthorities: String?

    func validate() throws {
        if schools == nil && trusts == nil && appropriateBodies == nil && leadProviders == nil && localAuthorities == nil {
            throw ValidationError("Give at least one of --schools, --trusts, --appropriate-bodies, --lead-providers, --local-authorities.")
        }
    }

    func run() throws {
        let logger = common.makeLogger()
        var data = ReferenceData()
        var lines: [String] = []
        var leftOut = 0
        /// Reads one file; its left-out lines go to stderr, named by file and line.
        func read<T>(_ path: String?, _ what: String, _ reader: (String) throws(ReadError) -> ReferenceFile<T>) throws -> [T] {
            guard let path else { return [] }
            let file: ReferenceFile<T>
            do {
                file = try reader(path)
            } catch {
                switch error {
                case .system(let error):
                    throw logger.failure(.system(error))
                case .content(let problem):
                    logger.critical("\(path)\(problem.line.map { " line \($0)" } ?? ""): \(problem.message)")
                    throw ExitCode(65)
                }
            }
            for (line, reason) in file.leftOut {
                logger.warning("\(path) line \(line): left out: \(reason)")
            }
            leftOut += file.leftOut.count
            var line = "\(path): \(file.values.count) \(what)"
            if file.isWindows1252 { line += " (read as Windows-1252)" }
            if !file.leftOut.isEmpty { line += ", \(file.leftOut.count) line(s) left out (see stderr)" }
            lines.append(line)
            return file.values
        }
        data.schools = try read(schools, "establishments", ReferenceReader.schools)
        if schools != nil {
            lines[lines.count - 1] += "; \(data.schools.filter(\.canBeNamed).count) with six-digit URNs, which submissions can name"
        }
        data.trusts = try read(trusts, "groups (trusts and others)", ReferenceReader.trusts)
        data.appropriateBodies = try read(appropriateBodies, "appropriate bodies", ReferenceReader.appropriateBodies)
        data.leadProviders = try read(leadProviders, "lead providers", ReferenceReader.leadProviders)
        data.localAuthorities = try read(localAuthorities, "local authorities", ReferenceReader.localAuthorities)
        let root = common.dataRoot
        do {
            try Reports.Directories.create(root.path)
            let store = try Store(location: root.store)
            try store.write { try $0.upsert(data) }
        } catch let error as SystemError {
            throw logger.failure(.system(error))
        } catch {
            throw logger.failure(.store("cannot write the reference data: \(error)"))
        }
        for line in lines { print(line) }
        print("Loaded into \(root.storeName)\(leftOut > 0 ? "; \(leftOut) line(s) left out" : "").")
    }
}

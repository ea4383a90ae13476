import ArgumentParser
import Domain
import Parsers
import Reports
import Store

struct LoadReference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-reference",
        abstract: "Load or reload schools, trusts, appropriate bodies and lead providers.",
        discussion: """
            Columns are found by header and other columns are ignored, so GIAS downloads load \
            unchanged. Schools: URN, EstablishmentName, LA (code), LA (name), TypeOfEstablishment \
            (name), EstablishmentStatus (name), PhaseOfEducation (name), Trusts (code). Trusts: \
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

    func validate() throws {
        if schools == nil && trusts == nil && appropriateBodies == nil && leadProviders == nil {
            throw ValidationError("Give at least one of --schools, --trusts, --appropriate-bodies, --lead-providers.")
        }
    }

    func run() throws {
        let logger = common.makeLogger()
        var data = ReferenceData()
        do {
            if let schools { data.schools = try ReferenceReader.schools(path: schools) }
            if let trusts { data.trusts = try ReferenceReader.trusts(path: trusts) }
            if let appropriateBodies { data.appropriateBodies = try ReferenceReader.appropriateBodies(path: appropriateBodies) }
            if let leadProviders { data.leadProviders = try ReferenceReader.leadProviders(path: leadProviders) }
        } catch {
            switch error {
            case .system(let error):
                throw logger.failure(.system(error))
            case .content(let problem):
                logger.critical("\(problem.message)\(problem.line.map { " (line \($0))" } ?? "")")
                throw ExitCode(65)
            }
        }
        do {
            let root = common.dataRoot
            try Reports.Directories.create(root.path)
            let store = try Store(path: root.store)
            try store.write { try $0.upsert(data) }
        } catch {
            logger.critical("cannot write the reference data: \(error)")
            throw ExitCode(74)
        }
        print("Loaded \(data.schools.count) schools, \(data.trusts.count) trusts, \(data.appropriateBodies.count) appropriate bodies, \(data.leadProviders.count) lead providers into \(common.dataRoot.store).")
    }
}

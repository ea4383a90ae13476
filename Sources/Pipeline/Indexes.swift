import Domain
import Rules

/// The TRS extract in memory, by TRN.
public struct TRSIndex: TeacherRecordSource, Sendable {
    private let records: [Int: TRSRecord]

    public init(_ records: [TRSRecord]) {
        var table: [Int: TRSRecord] = [:]
        table.reserveCapacity(records.count)
        for record in records { table[record.trn.value] = record }
        self.records = table
    }

    public var count: Int { records.count }

    public func record(for trn: TRN) -> TRSRecord? { records[trn.value] }
}

/// Reference data in memory, for the rules and for checking submitters.
public struct ReferenceIndex: ReferenceLookup, Sendable {
    public let data: ReferenceData
    private let bodies: [String: AppropriateBody]
    private let schools: [String: School]
    private let trusts: [String: Trust]
    private let bodiesByName: [String: AppropriateBody]
    private let providers: [String: LeadProvider]
    private let providersByName: [String: LeadProvider]

    public init(_ data: ReferenceData) {
        self.data = data
        bodies = Dictionary(data.appropriateBodies.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Only establishments submissions can name (six-digit URNs) count as schools here.
        schools = Dictionary(data.schools.filter(\.canBeNamed).map { ($0.urn, $0) }, uniquingKeysWith: { a, _ in a })
        trusts = Dictionary(data.trusts.map { ($0.uid, $0) }, uniquingKeysWith: { a, _ in a })
        bodiesByName = Dictionary(data.appropriateBodies.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        providers = Dictionary(data.leadProviders.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        providersByName = Dictionary(data.leadProviders.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func appropriateBody(id: String) -> AppropriateBody? { bodies[id] }

    public func appropriateBody(named name: String) -> AppropriateBody? { bodiesByName[name.lowercased()] }

    public func school(urn: String) -> School? { schools[urn] }

    public func leadProvider(idOrName: String) -> LeadProvider? {
        providers[idOrName] ?? providersByName[idOrName.lowercased()]
    }

    /// Whether the reference data knows this submitter.
    public func knows(_ submitter: Submitter) -> Bool {
        switch submitter.kind {
        case .schools: schools[submitter.id] != nil
        case .trusts: trusts[submitter.id] != nil
        case .appropriateBodies: bodies[submitter.id] != nil
        }
    }

    public var isEmpty: Bool { bodies.isEmpty && schools.isEmpty && trusts.isEmpty }
}

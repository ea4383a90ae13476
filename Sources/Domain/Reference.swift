/// An establishment from GIAS: a school, or any other kind GIAS lists.
public struct School: Hashable, Sendable {
    public let urn: String
    public let name: String
    public let localAuthorityCode: String
    public let localAuthorityName: String
    public let type: String
    public let status: String
    public let phase: String
    /// The UID of the trust the school belongs to, if any.
    public let trustUID: String?
    /// The region (GIAS's `GOR (code)`, `GOR (name)`: E12000001, North East).
    public let regionCode: String
    public let regionName: String

    /// Whether submissions can name it: a URN of six digits. GIAS lists every kind of
    /// establishment; children's centres, for one, have five.
    public var canBeNamed: Bool { urn.utf8.count == 6 }

    public init(urn: String, name: String, localAuthorityCode: String = "", localAuthorityName: String = "",
                type: String = "", status: String = "", phase: String = "", trustUID: String? = nil,
                regionCode: String = "", regionName: String = "") {
        self.regionCode = regionCode
        self.regionName = regionName
        self.urn = urn
        self.name = name
        self.localAuthorityCode = localAuthorityCode
        self.localAuthorityName = localAuthorityName
        self.type = type
        self.status = status
        self.phase = phase
        self.trustUID = trustUID
    }
}

/// A multi-academy trust or other GIAS group.
public struct Trust: Hashable, Sendable {
    public let uid: String
    public let name: String
    public let type: String

    public init(uid: String, name: String, type: String = "") {
        self.uid = uid
        self.name = name
        self.type = type
    }
}

/// An appropriate body.
public struct AppropriateBody: Hashable, Sendable {
    public let id: String
    public let name: String
    public let dfeSignInOrganisationID: String

    public init(id: String, name: String, dfeSignInOrganisationID: String = "") {
        self.id = id
        self.name = name
        self.dfeSignInOrganisationID = dfeSignInOrganisationID
    }
}

/// A lead provider of provider-led training.
public struct LeadProvider: Hashable, Sendable {
    public let id: String
    public let name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A local authority as DfE's statistics name it: the old three-digit code GIAS gives
/// with each school, the nine-character ONS code, and its region.
public struct LocalAuthority: Hashable, Sendable {
    public let oldCode: String
    public let newCode: String
    public let name: String
    public let regionCode: String
    public let regionName: String

    public init(oldCode: String, newCode: String, name: String, regionCode: String, regionName: String) {
        self.oldCode = oldCode
        self.newCode = newCode
        self.name = name
        self.regionCode = regionCode
        self.regionName = regionName
    }
}

/// All reference data, as loaded by `load-reference`.
public struct ReferenceData: Sendable {
    public var schools: [School]
    public var trusts: [Trust]
    public var appropriateBodies: [AppropriateBody]
    public var leadProviders: [LeadProvider]
    public var localAuthorities: [LocalAuthority] = []

    public init(schools: [School] = [], trusts: [Trust] = [], appropriateBodies: [AppropriateBody] = [],
                leadProviders: [LeadProvider] = [], localAuthorities: [LocalAuthority] = []) {
        self.localAuthorities = localAuthorities
        self.schools = schools
        self.trusts = trusts
        self.appropriateBodies = appropriateBodies
        self.leadProviders = leadProviders
    }
}

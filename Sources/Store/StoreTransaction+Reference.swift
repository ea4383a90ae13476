import Domain

extension StoreTransaction {
    /// Inserts or updates reference data. Nothing is deleted: a school that closed may
    /// still be named by an ECT's history.
    public func upsert(_ data: ReferenceData) throws {
        let schools = """
            INSERT INTO schools (urn, name, la_code, la_name, type, status, phase, trust_uid, region_code, region_name)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (urn) DO UPDATE SET name = excluded.name, la_code = excluded.la_code,
              la_name = excluded.la_name, type = excluded.type, status = excluded.status,
              phase = excluded.phase, trust_uid = excluded.trust_uid, region_code = excluded.region_code,
              region_name = excluded.region_name
            """
        for school in data.schools {
            try db.execute(schools, [school.urn, school.name, school.localAuthorityCode, school.localAuthorityName,
                                            school.type, school.status, school.phase, school.trustUID, school.regionCode,
                                            school.regionName])
        }
        let trusts = """
            INSERT INTO trusts (uid, name, type) VALUES (?, ?, ?)
            ON CONFLICT (uid) DO UPDATE SET name = excluded.name, type = excluded.type
            """
        for trust in data.trusts { try db.execute(trusts, [trust.uid, trust.name, trust.type]) }
        let bodies = """
            INSERT INTO appropriate_bodies (id, name, dfe_sign_in_organisation_id) VALUES (?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name,
              dfe_sign_in_organisation_id = excluded.dfe_sign_in_organisation_id
            """
        for body in data.appropriateBodies {
            try db.execute(bodies, [body.id, body.name, body.dfeSignInOrganisationID])
        }
        let providers = """
            INSERT INTO lead_providers (id, name) VALUES (?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name
            """
        for provider in data.leadProviders { try db.execute(providers, [provider.id, provider.name]) }
        let authorities = """
            INSERT INTO local_authorities (old_code, new_code, name, region_code, region_name) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (old_code) DO UPDATE SET new_code = excluded.new_code, name = excluded.name,
              region_code = excluded.region_code, region_name = excluded.region_name
            """
        for authority in data.localAuthorities {
            try db.execute(authorities, [authority.oldCode, authority.newCode, authority.name, authority.regionCode,
                                                authority.regionName])
        }
    }

    /// All reference data.
    public func referenceData() throws -> ReferenceData {
        ReferenceData(
            schools: try db.rows("SELECT urn, name, la_code, la_name, type, status, phase, trust_uid, region_code, region_name FROM schools ORDER BY urn").map {
                School(urn: $0[0], name: $0[1], localAuthorityCode: $0[2], localAuthorityName: $0[3], type: $0[4],
                       status: $0[5], phase: $0[6], trustUID: $0[7], regionCode: $0[8], regionName: $0[9])
            },
            trusts: try db.rows("SELECT uid, name, type FROM trusts ORDER BY uid").map {
                Trust(uid: $0[0], name: $0[1], type: $0[2])
            },
            appropriateBodies: try db.rows("SELECT id, name, dfe_sign_in_organisation_id FROM appropriate_bodies ORDER BY id").map {
                AppropriateBody(id: $0[0], name: $0[1], dfeSignInOrganisationID: $0[2])
            },
            leadProviders: try db.rows("SELECT id, name FROM lead_providers ORDER BY id").map {
                LeadProvider(id: $0[0], name: $0[1])
            },
            localAuthorities: try db.rows("SELECT old_code, new_code, name, region_code, region_name FROM local_authorities ORDER BY old_code").map {
                LocalAuthority(oldCode: $0[0], newCode: $0[1], name: $0[2], regionCode: $0[3], regionName: $0[4])
            })
    }

    /// Runs `sql` and returns its rows as text, for tests and diagnostics.
    public func rows(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> [[String]] {
        try db.rows(sql, SQLArguments(arguments)).map { row in row.values.map { $0.text ?? "NULL" } }
    }
}

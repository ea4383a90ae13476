import Domain

// The JSON of TRS API v3 (version 20260120) that the batch channel sends and reads:
// camelCase, dates as YYYY-MM-DD. Only the members used are declared; the rest of an
// answer is ignored.

struct FindRequest: Codable, Equatable {
    struct Person: Codable, Equatable {
        let trn: String
        let dateOfBirth: String
    }
    let persons: [Person]
}

struct FindResponse: Codable {
    let total: Int
    let results: [PersonJSON]
}

/// A person as `find` and `GET /v3/persons/{trn}` answer (`find` leaves out the NINO).
struct PersonJSON: Codable, Equatable {
    struct Qts: Codable, Equatable {
        let holdsFrom: String?
    }
    struct Induction: Codable, Equatable {
        let status: String
        let startDate: String?
        let completedDate: String?
    }
    struct Alert: Codable, Equatable {
        struct AlertType: Codable, Equatable {
            struct Category: Codable, Equatable {
                let alertCategoryId: String
            }
            let alertCategory: Category
        }
        let alertType: AlertType
        let startDate: String?
        let endDate: String?
    }

    let trn: String
    let firstName: String
    let middleName: String?
    let lastName: String
    let dateOfBirth: String
    let nationalInsuranceNumber: String?
    let qts: Qts?
    let induction: Induction?
    let alerts: [Alert]?

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The record as the rules read it; an alert of the prohibition category counts while
    /// it has not ended by `today`.
    func record(today: Day) throws -> TRSRecord {
        guard let number = TRN(normalising: trn) else { throw Malformed(description: "a person's trn is not 7 digits") }
        func day(_ text: String?, _ name: String) throws -> Day? {
            guard let text, !text.isEmpty else { return nil }
            guard let day = Day(iso: text) else { throw Malformed(description: "\(name) is not a date") }
            return day
        }
        let status = induction.map(\.status).flatMap(TRSRecord.InductionStatus.init(rawValue:)) ?? .none
        if let induction, TRSRecord.InductionStatus(rawValue: induction.status) == nil {
            throw Malformed(description: "induction.status is not one TRS uses")
        }
        var prohibited = false
        for alert in alerts ?? [] where alert.alertType.alertCategory.alertCategoryId.lowercased() == TRSClient.prohibitionCategory {
            if let end = try day(alert.endDate, "an alert's endDate"), end <= today { continue }
            prohibited = true
        }
        return TRSRecord(
            trn: number, firstName: firstName, middleName: middleName ?? "", lastName: lastName,
            dateOfBirth: try day(dateOfBirth, "dateOfBirth"),
            nationalInsuranceNumber: nationalInsuranceNumber.map { $0.uppercased().filter { $0 != " " } },
            qtsAwardDate: try day(qts?.holdsFrom, "qts.holdsFrom"), inductionStatus: status,
            inductionStartDate: try day(induction?.startDate, "induction.startDate"),
            inductionCompletionDate: try day(induction?.completedDate, "induction.completedDate"),
            prohibitedFromTeaching: prohibited)
    }
}

struct CpdInduction: Codable, Equatable {
    let status: String
    let startDate: String?
    let completedDate: String?
    let modifiedOn: String
}

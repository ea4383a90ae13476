import Domain

/// Reads a TRS extract (CSV with the headers SPEC.md §4 fixes).
public enum TRSExtractReader {
    public static let headers = [
        "trn", "first_name", "middle_name", "last_name", "date_of_birth", "national_insurance_number",
        "qts_award_date", "induction_status", "induction_start_date", "induction_completion_date",
        "prohibited_from_teaching", "record_status", "merged_into_trn",
    ]

    /// What was read: the records, and a description of each line that was skipped.
    public struct Extract: Sendable {
        public var records: [TRSRecord] = []
        public var skipped: [String] = []
    }

    public static func read(path: String) throws(ReadError) -> Extract {
        let csv = try HeaderedCSV(path: path, required: ["trn", "date_of_birth", "induction_status"])
        var extract = Extract()
        while try csv.advance() {
            guard let trn = TRN(normalising: csv["trn"]) else {
                extract.skipped.append("line \(csv.line): TRN is not 7 digits")
                continue
            }
            let statusText = csv["induction_status"]
            guard let status = statusText.isEmpty ? TRSRecord.InductionStatus.none
                    : TRSRecord.InductionStatus(rawValue: statusText) else {
                extract.skipped.append("line \(csv.line): unknown induction_status")
                continue
            }
            let recordStatus: TRSRecord.RecordStatus
            switch csv["record_status"].lowercased() {
            case "", "active": recordStatus = .active
            case "deactivated": recordStatus = .deactivated
            case "merged": recordStatus = .merged(into: TRN(normalising: csv["merged_into_trn"]))
            default:
                extract.skipped.append("line \(csv.line): unknown record_status")
                continue
            }
            let nino = csv["national_insurance_number"].uppercased().filter { $0 != " " }
            extract.records.append(TRSRecord(
                trn: trn, firstName: csv["first_name"], middleName: csv["middle_name"], lastName: csv["last_name"],
                dateOfBirth: Day(iso: csv["date_of_birth"]), nationalInsuranceNumber: nino.isEmpty ? nil : nino,
                qtsAwardDate: Day(iso: csv["qts_award_date"]), inductionStatus: status,
                inductionStartDate: Day(iso: csv["induction_start_date"]),
                inductionCompletionDate: Day(iso: csv["induction_completion_date"]),
                prohibitedFromTeaching: csv["prohibited_from_teaching"].lowercased() == "true",
                recordStatus: recordStatus))
        }
        return extract
    }
}

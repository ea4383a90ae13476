/// What identifying one row against TRS takes: the TRN, the date of birth and, from a
/// school or trust, the national insurance number (RULES.md §2). Kept in memory only.
public struct TRSLookup: Hashable, Sendable {
    public let trn: TRN
    public let dateOfBirth: Day
    /// Normalised (upper case, no spaces); `nil` when the row gives none.
    public let nationalInsuranceNumber: String?

    public init(trn: TRN, dateOfBirth: Day, nationalInsuranceNumber: String? = nil) {
        self.trn = trn
        self.dateOfBirth = dateOfBirth
        self.nationalInsuranceNumber = nationalInsuranceNumber
    }
}

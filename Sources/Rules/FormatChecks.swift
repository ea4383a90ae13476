import Domain

/// Reads a row's fields one by one, collecting every format problem so the submitter can
/// fix the row in one go. Messages never quote a date of birth or NINO.
struct FormatChecks {
    let row: RowInput
    let today: Day
    private(set) var problems: [Problem] = []

    init(row: RowInput, today: Day) {
        self.row = row
        self.today = today
    }

    mutating func report(_ code: ErrorCode, _ message: String) {
        problems.append(Problem(code, message))
    }

    /// ` "value"` for a message, cut to 40 characters; nothing when the value could be a
    /// date of birth or NI number typed in the wrong column (see `PersonalData`).
    static func shown(_ text: String) -> String {
        PersonalData.quoted(String(text.prefix(40))).map { " " + $0 } ?? ""
    }

    private mutating func missing(_ field: Field, _ how: String) {
        report(.field(field, "missing"), "The \(field.label) is missing. \(how)")
    }

    /// The TRN, normalised; reports `trn.missing` or `trn.format`.
    mutating func trn() -> TRN? {
        guard let text = row[.trn] else {
            missing(.trn, "Enter the teacher's 7-digit teacher reference number (TRN).")
            return nil
        }
        guard let trn = TRN(normalising: text) else {
            report(.trnFormat, "The TRN\(Self.shown(text)) is not valid: a TRN is 7 digits, like 1234567. Copy it from the teacher's record.")
            return nil
        }
        return trn
    }

    /// A required or optional date in `YYYY-MM-DD`.
    mutating func date(_ field: Field, required: Bool = true) -> Day? {
        guard let text = row[field] else {
            if required { missing(field, "Enter it as YYYY-MM-DD, for example 2025-09-01.") }
            return nil
        }
        guard let day = Day(iso: text) else {
            let shown = field.isPersonal ? "" : Self.shown(text)
            report(.field(field, "format"), "The \(field.label)\(shown) is not a real date written as YYYY-MM-DD (for example 2025-09-01).")
            return nil
        }
        return day
    }

    /// The date of birth, which also must make the teacher 18 to 99 years old today.
    mutating func dateOfBirth() -> Day? {
        guard let day = date(.dateOfBirth) else { return nil }
        let age = day.wholeYears(until: today)
        guard day <= today else {
            report(.dobAge, "The date of birth is after today (\(today.iso)). Check the date of birth: it is written YYYY-MM-DD.")
            return nil
        }
        guard age >= 18, age < 100 else {
            report(.dobAge, "The date of birth makes the teacher \(age) years old on \(today.iso); a teacher must be at least 18 and under 100. Check the date of birth.")
            return nil
        }
        return day
    }

    /// The optional national insurance number: upper-cased, spaces removed, two letters,
    /// six digits and A to D, with HMRC's excluded letters and prefixes refused.
    mutating func nationalInsuranceNumber() -> String? {
        guard let text = row[.nationalInsuranceNumber] else { return nil }
        let nino = String(text.uppercased().filter { $0 != " " })
        let bytes = Array(nino.utf8)
        func letter(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
        func digit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        let valid = bytes.count == 9 && letter(bytes[0]) && letter(bytes[1]) && bytes[2..<8].allSatisfy(digit)
            && (UInt8(ascii: "A")...UInt8(ascii: "D")).contains(bytes[8])
            && !"DFIQUV".utf8.contains(bytes[0]) && !"DFIOQUV".utf8.contains(bytes[1])
            && !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(String(nino.prefix(2)))
        guard valid else {
            report(.ninoFormat, "The national insurance number is not valid: it is two letters, six digits and a letter from A to D, like AB123456C. Check it, or leave it empty.")
            return nil
        }
        return nino
    }

    /// A number of terms within `range` (in tenths).
    mutating func terms(range: ClosedRange<Int>) -> Terms? {
        guard let text = row[.numberOfTerms] else {
            missing(.numberOfTerms, "Enter the number of terms, for example 3 or 2.5.")
            return nil
        }
        guard case .value(let terms) = Terms.parse(text) else {
            report(.field(.numberOfTerms, "format"), "The number of terms\(Self.shown(text)) is not a number with at most one decimal place, like 3 or 2.5.")
            return nil
        }
        guard range.contains(terms.tenths) else {
            let low = Terms(tenths: range.lowerBound), high = Terms(tenths: range.upperBound)
            report(.termsRange, "The number of terms \(terms) is out of range: it must be from \(low) to \(high).")
            return nil
        }
        return terms
    }

    /// An enumerated value read by `parse`; reports `<field>.missing` or `<field>.invalid`.
    mutating func choice<T>(_ field: Field, allowed: String, _ parse: (String) -> T?) -> T? {
        guard let text = row[field] else {
            missing(field, "Enter \(allowed).")
            return nil
        }
        guard let value = parse(text) else {
            report(.field(field, "invalid"), "The \(field.label)\(Self.shown(text)) is not recognised. Enter \(allowed).")
            return nil
        }
        return value
    }

    /// A date that must not be after today.
    mutating func notFuture(_ day: Day?, _ field: Field, _ advice: String) {
        guard let day, day > today else { return }
        report(.field(field, "future"), "The \(field.label) \(day.iso) is after today (\(today.iso)). \(advice)")
    }
}

extension Field {
    /// The field's name inside a sentence.
    var label: String {
        switch self {
        case .trn: "TRN"
        case .schoolURN: "school URN"
        case .extensionID: "extension ID"
        case .failConfirmationDate: "fail confirmation date"
        default: header.prefix(1).lowercased() + header.dropFirst()
        }
    }
}

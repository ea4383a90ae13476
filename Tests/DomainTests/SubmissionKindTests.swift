import Domain
import Testing

@Suite("Submission kinds, one template each")
struct SubmissionKindTests {
    @Test("who may send what comes from the templates: schools and trusts register, appropriate bodies do the rest")
    func senders() {
        #expect(SubmitterKind.schools.allowedKinds == [.registrations, .mentors])
        #expect(SubmitterKind.trusts.allowedKinds == [.registrations, .mentors])
        #expect(SubmitterKind.appropriateBodies.allowedKinds == [.claims, .actions, .extensions])
    }

    @Test("every kind has a sender, a TRN and a date of birth, and no column both required and optional", arguments: SubmissionKind.allCases)
    func wellFormed(_ kind: SubmissionKind) {
        #expect(!kind.template.senders.isEmpty)
        #expect(kind.requiredFields.prefix(2) == [.trn, .dateOfBirth])
        #expect(Set(kind.requiredFields).isDisjoint(with: kind.optionalFields))
        if let returned = kind.template.returns { #expect(kind.optionalFields.contains(returned)) }
    }

    @Test("only an extensions result carries a value back: the new extension's ID")
    func returns() {
        #expect(SubmissionKind.allCases.filter { $0.template.returns != nil } == [.extensions])
        #expect(SubmissionKind.extensions.template.returns == .extensionID)
    }
}

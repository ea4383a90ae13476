import Testing
@testable import Rules

@Suite("Email addresses")
struct EmailAddressTests {
    @Test("valid addresses are lower-cased, invalid ones refused", arguments: [
        ("Ada.Lovelace@School.ORG.uk", "ada.lovelace@school.org.uk"), ("a@b.c", "a@b.c"), ("ADA@SCHOOL.ORG.UK", "ada@school.org.uk"),
        ("ada.school.org.uk", nil), ("a@b@school.org.uk", nil), ("ada..l@school.org.uk", nil), ("ada@localhost", nil),
        ("@school.org.uk", nil), ("ada@.school.org.uk", nil), ("ada@school..uk", nil), ("ada@school.org.", nil),
        ("ada @school.org.uk", nil), ("ada@school.org.uk\r\n", nil), ("ada\t@school.org.uk", nil), ("", nil),
        ("ÅDA@Skole.no", "åda@skole.no"), ("ada@school.org.uk\u{A0}", nil), ("ada\u{2003}@school.org.uk", nil),
    ] as [(String, String?)])
    func examples(_ text: String, _ expected: String?) {
        #expect(EmailAddress.normalised(text) == expected)
    }

    @Test("label and total lengths: 63 and 320 bytes pass, one more fails")
    func lengths() {
        let label63 = String(repeating: "a", count: 63)
        #expect(EmailAddress.normalised("a@\(label63).uk") != nil)
        #expect(EmailAddress.normalised("a@\(label63)a.uk") == nil)
        let domain = "@school.org.uk"
        #expect(EmailAddress.normalised(String(repeating: "a", count: 320 - domain.count) + domain) != nil)
        #expect(EmailAddress.normalised(String(repeating: "a", count: 321 - domain.count) + domain) == nil)
    }

    @Test("the byte-by-byte check of ASCII text agrees with the character-by-character one")
    func asciiAgreesWithUnicode() {
        // Short strings over the characters that matter, seeded so a failure repeats.
        let alphabet: [String] = ["a", "a", "a", "a", "Z", "Z", "0", "-", "@", "@", ".", ".", ".",
                                  " ", "\t", "\r", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\u{7F}"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var valid = 0
        for _ in 0..<20_000 {
            func piece() -> String { (0..<next(4)).map { _ in alphabet[next(alphabet.count)] }.joined() }
            // Mostly shaped like an address, so that both verdicts are well represented.
            let text = next(4) == 0 ? piece() + piece() + piece() : piece() + "@" + piece() + "." + piece()
            let fast = EmailAddress.normalisedASCII(text), general = EmailAddress.normalisedUnicode(text)
            #expect(fast == general, "\(Array(text.utf8))")
            if general != nil { valid += 1 }
        }
        #expect(valid > 100, "the sample holds valid addresses too")
    }
}

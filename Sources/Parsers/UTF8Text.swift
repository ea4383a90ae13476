/// Text from bytes that must be UTF-8.
enum UTF8Text {
    /// The text of `bytes`, or `nil` when they are not valid UTF-8.
    ///
    /// ASCII, nearly every cell, is decoded without the general validation, which does
    /// not specialise for byte buffers and cost a twentieth of a claims file's run.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        for byte in bytes where byte >= 0x80 {
            return String(validating: bytes, as: UTF8.self)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func decode(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { decode($0) }
    }
}

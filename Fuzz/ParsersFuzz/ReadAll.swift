import Foundation
import Parsers

/// Reads `bytes` as a submission to the end, as the run would. Any outcome but a crash,
/// a hang or unbounded memory is fine: rows, row problems and content `ReadError`s are
/// the readers' answers to bad input; bytes in memory (a workbook's, in a temporary file of
/// ours) never give a system failure.
func readAll(_ bytes: [UInt8]) {
    // The first byte picks the name, so the fuzzer explores every format's hints.
    let names = ["f.csv", "f.json", "f.ndjson", "f.xml", "f.txt", "f.xlsx"]
    let name = names[Int(bytes.first ?? 0) % names.count]
    let content = Array(bytes.dropFirst())
    // A workbook is a zip, read from a file: such bytes go through one.
    let workbook = content.starts(with: [0x50, 0x4B, 0x03, 0x04])
    let path = NSTemporaryDirectory() + "parsers-fuzz-\(getpid()).xlsx"
    if workbook { _ = FileManager.default.createFile(atPath: path, contents: Data(content)) }
    defer { if workbook { unlink(path) } }
    do throws(ReadError) {
        let reader = workbook ? try SubmissionReader(path: path)
            : try SubmissionReader(stream: ByteStream(bytes: content), fileName: name)
        var rows = 0
        while let row = try reader.next() {
            _ = row.input
            _ = row.withoutPersonalData
            rows += 1
        }
    } catch {
        switch error {
        case .content(let error): _ = error.problem.description
        case .system(let error): preconditionFailure("bytes in memory (or a file of ours) gave a system failure: \(error)")
        }
    }
}

#if FUZZING
/// libFuzzer calls this with each input it tries.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    readAll(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// libFuzzer's driver, for when the program's own entry point runs first.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM names an executable's entry point `<Module>_main`; it hands over to libFuzzer.
@_cdecl("ParsersFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOne)
}
#else
import Foundation

/// Without the fuzzer: replays the files named on the command line (a corpus, or a crash
/// the fuzzer found) through the readers.
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            readAll(Array(data))
        }
    }
}
#endif

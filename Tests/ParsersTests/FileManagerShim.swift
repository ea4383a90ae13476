import Foundation
import TestSupport

/// Writes test files to a fresh temporary folder.
enum FileManagerShim {
    static func write(_ text: String, name: String = "file.csv") -> String {
        let folder = URL(fileURLWithPath: Scratch.path("ect-parsers"))
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }
}

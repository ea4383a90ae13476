import Foundation

/// Wall-clock timestamps for the store's "when did this run" columns (never in result files).
enum Timestamp {
    static func now() -> String {
        Date().formatted(.iso8601)
    }
}

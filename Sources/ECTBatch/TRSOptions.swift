import ArgumentParser
import Foundation
import Pipeline
import TRS

/// Where TRS is read: an extract file (the default) or the API.
struct TRSOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The TRS extract (CSV). Default: the newest file in <root>/trs/.", valueName: "file"))
    var trs: String?

    @Option(name: .customLong("trs-api"), help: ArgumentHelp(
        "TRS API v3's base URL, used instead of an extract. Default: $ECT_BATCH_TRS_API, if set. The key comes from $TRS_API_KEY or --trs-api-key-file.",
        valueName: "url"))
    var trsAPI: String?

    @Option(name: .customLong("trs-api-key-file"), help: ArgumentHelp(
        "A file holding the TRS API key (instead of $TRS_API_KEY). The key is never logged or stored.", valueName: "file"))
    var keyFile: String?

    func validate() throws {
        if trs != nil && trsAPI != nil { throw ValidationError("Give --trs or --trs-api, not both.") }
        if let trsAPI, Self.url(trsAPI) == nil {
            throw ValidationError("--trs-api takes an http or https URL, like https://preprod.teacher-qualifications-api.education.gov.uk.")
        }
    }

    /// The API's URL: the flag, else `$ECT_BATCH_TRS_API` unless an extract is named.
    var apiURL: String? {
        if let trsAPI { return trsAPI }
        guard trs == nil, let fromEnvironment = ProcessInfo.processInfo.environment["ECT_BATCH_TRS_API"],
              !fromEnvironment.isEmpty else { return nil }
        return fromEnvironment
    }

    /// The API client, or `nil` when an extract is used.
    func client() throws(RunError) -> TRSClient? {
        guard let text = apiURL else { return nil }
        guard let url = Self.url(text) else { throw .configuration("ECT_BATCH_TRS_API is not an http or https URL") }
        let environment = ProcessInfo.processInfo.environment
        let key: String
        if let keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else {
                throw .configuration("cannot read the TRS API key file \(keyFile)")
            }
            key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            key = environment["TRS_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        guard !key.isEmpty else {
            throw .configuration("no TRS API key: set TRS_API_KEY or give --trs-api-key-file FILE")
        }
        var retry = RetryPolicy()
        if let text = environment["ECT_BATCH_TRS_RETRY"] {
            guard let parsed = RetryPolicy(parsing: text) else {
                throw .configuration("ECT_BATCH_TRS_RETRY takes attempts,initial_ms,maximum_ms,timeout_ms")
            }
            retry = parsed
        }
        do {
            return try TRSClient(baseURL: url, key: key, retry: retry)
        } catch {
            throw .trs(error)
        }
    }

    private static func url(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil else { return nil }
        return url
    }
}

import Foundation

/// How long the run keeps asking TRS before it calls TRS unreachable.
///
/// A request that times out, finds no connection, or is answered 429 or 5xx is tried
/// again after a delay that doubles from `initialDelay` up to `maximumDelay`, each drawn
/// at random between half and all of it (jitter, so that many clients do not retry in
/// step); a `Retry-After` answer is honoured instead, up to `maximumDelay`. After
/// `attempts` tries the request fails. The bound on one request is therefore
/// `attempts × timeout` plus the delays: with the defaults, 6 × 30 s + 15.5 s at most.
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var initialDelay: TimeInterval
    public var maximumDelay: TimeInterval
    /// Per attempt.
    public var timeout: TimeInterval

    public init(attempts: Int = 6, initialDelay: TimeInterval = 0.5, maximumDelay: TimeInterval = 8,
                timeout: TimeInterval = 30) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.timeout = timeout
    }

    /// `attempts,initial_ms,maximum_ms,timeout_ms`, as `ECT_BATCH_TRS_RETRY` gives it (tests
    /// and benchmarks shorten the waits); `nil` when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let attempts = parts[0], let initial = parts[1], let maximum = parts[2],
              let timeout = parts[3], attempts > 0, initial >= 0, maximum >= initial, timeout > 0 else { return nil }
        self.init(attempts: attempts, initialDelay: Double(initial) / 1000, maximumDelay: Double(maximum) / 1000,
                  timeout: Double(timeout) / 1000)
    }

    /// The wait before try `attempt + 1` (attempt counts from 1), honouring `retryAfter`.
    func delay(after attempt: Int, retryAfter: TimeInterval?) -> TimeInterval {
        if let retryAfter { return min(max(0, retryAfter), maximumDelay) }
        let full = min(maximumDelay, initialDelay * pow(2, Double(attempt - 1)))
        return full * Double.random(in: 0.5...1)
    }

    /// `Retry-After` in seconds, or as an HTTP date.
    static func retryAfter(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return seconds }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return format.date(from: value).map { $0.timeIntervalSince(now) }
    }
}

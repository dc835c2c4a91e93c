// Bad packets can arrive thousands of times a second; log each kind at most once per interval.
import Foundation
import Logging

final class RateLimitedLog: @unchecked Sendable {
    static let shared = RateLimitedLog(interval: 10)
    private let lock = NSLock()
    private var lastLogged: [String: Date] = [:]
    private let interval: TimeInterval

    init(interval: TimeInterval) { self.interval = interval }

    func warn(_ logger: Logger, key: String, _ message: @autoclosure () -> String, metadata: Logger.Metadata = [:]) {
        let now = Date()
        let due = lock.withLock { () -> Bool in
            if let last = lastLogged[key], now.timeIntervalSince(last) < interval { return false }
            lastLogged[key] = now
            return true
        }
        if due { logger.warning("\(message())", metadata: metadata) }
    }
}

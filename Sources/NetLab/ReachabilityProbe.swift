// Measures how long an address stayed unanswered: ping at a fixed rate from a lab namespace,
// then find the longest silence between replies. Used to time VRRP failover (demo, benchmarks).
import Foundation

public struct ReachabilityReport: Sendable {
    /// Reply timestamps, seconds since the epoch, in order.
    public let replies: [Double]
    public let sent: Int

    /// The longest time between two consecutive replies (the outage), in seconds.
    public var longestGap: Double {
        zip(replies, replies.dropFirst()).map { $1 - $0 }.max() ?? 0
    }

    /// When the longest gap started and ended.
    public var longestGapBounds: (start: Double, end: Double)? {
        zip(replies, replies.dropFirst()).max { ($0.1 - $0.0) < ($1.1 - $1.0) }.map { (start: $0.0, end: $0.1) }
    }
}

public final class ReachabilityProbe: @unchecked Sendable {
    private let process: Process
    private let output: Pipe
    private let count: Int

    /// Starts pinging `address` from `ns` every `interval` (at most `duration` long).
    public init(from ns: NetworkNamespace, to address: String, interval: Duration = .milliseconds(2),
                duration: Duration) throws {
        let seconds = Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds)
        let total = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        count = Int(total / seconds)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", ns.name, "ping", "-D", "-n", "-q", "-i", String(format: "%.3f", seconds),
                             "-W", "1", "-c", "\(count)", address]
        // -q keeps the summary only; replies come from the per-packet lines, so drop -q.
        process.arguments?.removeAll { $0 == "-q" }
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for the probe to finish and returns what it saw.
    public func finish() -> ReachabilityReport {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        var replies: [Double] = []
        for line in text.split(separator: "\n") where line.hasPrefix("[") && line.contains("bytes from") {
            let stamp = line.dropFirst().prefix { $0 != "]" }
            if let value = Double(stamp) { replies.append(value) }
        }
        return ReachabilityReport(replies: replies, sent: count)
    }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
    }
}

// The seam between what the daemon wants served and how the kernel serves it. The daemon hands a
// data path the virtual servers it should hold now (the configuration's, with the real servers
// the health checks keep in service, at the weights they give them); the path makes the kernel
// match and says what it did. Two implementations: XDP DR steering (DaemonSteering over a
// DRController) and the kernel's IPVS (IPVSDataPath). Calling `apply` twice with the same
// configuration changes nothing the second time.
import Config

public protocol DataPath: Actor {
    /// "xdp" or "ipvs": for logs and `xdpha status`.
    nonisolated var name: String { get }

    /// Makes the kernel hold `config.virtualServers` (at start, on each reload and on each
    /// health change). Throws, leaving what runs untouched, when a service cannot be served.
    func apply(_ config: KeepalivedConfig) async throws -> DataPathReport

    /// The daemon is stopping. Forwarding may stay as programmed (XDP keeps its pinned maps).
    func stop() async
}

/// What one `apply` did, in lines an operator reads in the log.
public struct DataPathReport: Sendable, CustomStringConvertible {
    public var path: String
    public var summary: String
    public var notes: [String]
    public var warnings: [String]

    public init(path: String, summary: String, notes: [String] = [], warnings: [String] = []) {
        self.path = path
        self.summary = summary
        self.notes = notes
        self.warnings = warnings
    }

    public var description: String { "\(path): \(summary)" }
}

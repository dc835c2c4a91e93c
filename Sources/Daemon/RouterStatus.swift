// What `xdpha status` shows of one virtual router; a snapshot the runner publishes after every
// input it handles.
import Foundation

public struct RouterStatus: Codable, Sendable, Hashable {
    public var name: String
    public var interface: String
    public var family: String
    public var virtualRouterID: Int
    public var version: Int
    public var state: String
    public var configuredPriority: Int
    public var effectivePriority: Int
    public var masterSeen: String?
    public var virtualAddresses: [String]
    /// Seconds since the epoch of the last state change; nil before the first.
    public var lastTransition: Double?
    public var receptionPath: String
    public var advertsSent: UInt64
    public var advertsReceived: UInt64
    /// Rejected adverts by reason (AdvertRejectionReason names, or the XDP stage's counter names).
    public var advertsRejected: [String: UInt64]
}

public struct DaemonStatus: Codable, Sendable {
    public var pid: Int32
    public var configFile: String
    public var instances: [RouterStatus]
    /// Real-server health per virtual server (nil from a daemon that predates it).
    public var services: [ServiceHealthStatus]?
}

// One entry of the kernel's neighbour table (ARP for IPv4, neighbour discovery for IPv6): the
// MAC a real server's address resolved to, and how sure the kernel is of it.

public struct NeighbourEntry: Hashable, Sendable, CustomStringConvertible {
    public var address: InetAddress
    public var ifindex: Int32
    public var mac: MACAddress?
    public var state: NeighbourState

    /// The MAC when the kernel holds one it would send to: states REACHABLE, STALE, DELAY, PROBE
    /// or PERMANENT. (STALE, DELAY and PROBE are kept: the kernel still forwards with that MAC
    /// while it re-checks it.) nil while INCOMPLETE, FAILED or without an address.
    public var usableMAC: MACAddress? {
        state.isDisjoint(with: NeighbourState.usable) ? nil : mac
    }

    public var description: String {
        "\(address) dev \(ifindex) lladdr \(mac.map(String.init(describing:)) ?? "none") \(state)"
    }
}

/// The NUD_* states of linux/neighbour.h.
public struct NeighbourState: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let incomplete = NeighbourState(rawValue: 0x01)
    public static let reachable = NeighbourState(rawValue: 0x02)
    public static let stale = NeighbourState(rawValue: 0x04)
    public static let delay = NeighbourState(rawValue: 0x08)
    public static let probe = NeighbourState(rawValue: 0x10)
    public static let failed = NeighbourState(rawValue: 0x20)
    public static let noARP = NeighbourState(rawValue: 0x40)
    public static let permanent = NeighbourState(rawValue: 0x80)

    /// The states in which the kernel has a link-layer address it sends to.
    public static let usable: NeighbourState = [.reachable, .stale, .delay, .probe, .permanent]

    public var description: String {
        let names: [(NeighbourState, String)] = [
            (.incomplete, "INCOMPLETE"), (.reachable, "REACHABLE"), (.stale, "STALE"), (.delay, "DELAY"),
            (.probe, "PROBE"), (.failed, "FAILED"), (.noARP, "NOARP"), (.permanent, "PERMANENT"),
        ]
        let set = names.filter { contains($0.0) }.map(\.1)
        return set.isEmpty ? "NONE" : set.joined(separator: "|")
    }
}

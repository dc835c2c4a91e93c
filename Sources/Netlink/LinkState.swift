// What an interface looks like to VRRP: its index and name, its MAC, whether it is up.
import CNetlink

public struct LinkState: Hashable, Sendable, CustomStringConvertible {
    public var ifindex: Int32
    public var name: String
    /// nil for interfaces without a link-layer address of six bytes (loopback has zeros).
    public var mac: MACAddress?
    /// Set by the administrator (`ip link set X up`): IFF_UP.
    public var isAdministrativelyUp: Bool
    /// The driver reports it operational (IFF_RUNNING: carrier and not dormant).
    public var isRunning: Bool
    public var operationalState: OperationalState
    public var mtu: UInt32

    /// Usable for VRRP: administratively up and running, as keepalived judges an interface.
    public var isUp: Bool { isAdministrativelyUp && isRunning }

    public var description: String {
        "\(ifindex): \(name) \(isUp ? "up" : "down") (admin \(isAdministrativelyUp ? "up" : "down"), " +
            "running \(isRunning), oper \(operationalState)) mac \(mac.map(String.init(describing:)) ?? "none") mtu \(mtu)"
    }
}

/// RFC 2863's operational states as IFLA_OPERSTATE reports them.
public enum OperationalState: UInt8, Hashable, Sendable, CustomStringConvertible {
    case unknown = 0, notPresent = 1, down = 2, lowerLayerDown = 3, testing = 4, dormant = 5, up = 6

    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .notPresent: "notpresent"
        case .down: "down"
        case .lowerLayerDown: "lowerlayerdown"
        case .testing: "testing"
        case .dormant: "dormant"
        case .up: "up"
        }
    }
}

extension LinkState {
    /// Reads a libnl link object (borrowed; the caller keeps ownership).
    init(link: OpaquePointer) {
        let flags = rtnl_link_get_flags(link)
        ifindex = rtnl_link_get_ifindex(link)
        name = rtnl_link_get_name(link).map { String(cString: $0) } ?? ""
        mac = addressBytes(of: rtnl_link_get_addr(link)).flatMap(MACAddress.init(bytes:))
        if mac?.bytes.allSatisfy({ $0 == 0 }) == true { mac = nil }
        isAdministrativelyUp = flags & 0x1 != 0  // IFF_UP
        isRunning = flags & 0x40 != 0  // IFF_RUNNING
        operationalState = OperationalState(rawValue: rtnl_link_get_operstate(link)) ?? .unknown
        mtu = rtnl_link_get_mtu(link)
    }
}

// The modules keep their own address types (each pure module owns its vocabulary); the daemon
// is where they meet, so the conversions live here, all through network-order bytes.
import BPF
import Config
import Netlink
import VRRP

extension VRRP.IPAddress {
    init?(_ address: Config.IPAddress) {
        self.init(bytes: address.bytes)
    }

    init?(_ address: InetAddress) {
        self.init(bytes: address.bytes)
    }

    init?(_ address: VRRPPeerAddress) {
        self.init(bytes: address.bytes)
    }

    init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self = .v4(IPv4Address(bytes[0], bytes[1], bytes[2], bytes[3]))
        case 16:
            guard let v6 = IPv6Address(bytes: bytes) else { return nil }
            self = .v6(v6)
        default: return nil
        }
    }
}

extension InetAddress {
    init?(_ address: VRRP.IPAddress) { self.init(bytes: address.bytes) }
    init?(_ address: Config.IPAddress) { self.init(bytes: address.bytes) }
}

extension VRRPAddressFamily {
    init(_ family: IPFamily) { self = family == .ipv4 ? .ipv4 : .ipv6 }
}

extension InetAddress.Family {
    init(_ family: IPFamily) { self = family == .ipv4 ? .ipv4 : .ipv6 }
}

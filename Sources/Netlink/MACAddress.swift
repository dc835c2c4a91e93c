// A 48-bit Ethernet address: what ARP and neighbour discovery announce and what the neighbour
// table maps real servers' addresses to.

public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    /// Six bytes, first on the wire first.
    public let bytes: [UInt8]

    public static let broadcast = MACAddress(unchecked: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])

    /// nil unless exactly six bytes are given.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 6 else { return nil }
        self.bytes = bytes
    }

    /// Parses "02:00:5e:00:01:07" (colon-separated, two hex digits each); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// The Ethernet multicast address an IPv6 multicast group maps to (RFC 2464 section 7):
    /// 33:33 followed by the group's last four bytes.
    public init?(ipv6Multicast group: InetAddress) {
        guard group.family == .ipv6, group.isMulticast else { return nil }
        self.bytes = [0x33, 0x33] + group.bytes[12...]
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}

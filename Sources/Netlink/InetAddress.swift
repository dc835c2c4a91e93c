// An IP address as the kernel's interfaces carry it: 4 or 16 bytes in network order. The pure
// VRRP module has richer address types; this one exists so that the I/O adapters (netlink, the
// VRRP sockets) need nothing but bytes, and the daemon converts with `bytes` / `init?(bytes:)`.
import Foundation

public struct InetAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Family: String, Hashable, Sendable {
        case ipv4
        case ipv6

        /// The socket layer's number for the family (AF_INET / AF_INET6).
        public var socketFamily: Int32 { self == .ipv4 ? AF_INET : AF_INET6 }
        public var byteCount: Int { self == .ipv4 ? 4 : 16 }
        /// The largest prefix length an address of this family can have.
        public var maximumPrefixLength: UInt8 { self == .ipv4 ? 32 : 128 }
    }

    public let family: Family
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    /// The address whose bytes these are: 4 make an IPv4 address, 16 an IPv6 one, any other
    /// count nothing.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: family = .ipv4
        case 16: family = .ipv6
        default: return nil
        }
        self.bytes = bytes
    }

    /// Parses "192.0.2.1" or "2001:db8::1" (inet_pton's forms); nil for anything else.
    public init?(_ text: String) {
        var buffer = [UInt8](repeating: 0, count: 16)
        if text.contains(":") {
            guard inet_pton(AF_INET6, text, &buffer) == 1 else { return nil }
            self.init(bytes: buffer)
        } else {
            guard inet_pton(AF_INET, text, &buffer) == 1 else { return nil }
            self.init(bytes: Array(buffer.prefix(4)))
        }
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = bytes.withUnsafeBytes { inet_ntop(family.socketFamily, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var isMulticast: Bool {
        family == .ipv4 ? bytes[0] & 0xF0 == 0xE0 : bytes[0] == 0xFF
    }

    /// fe80::/10, the addresses IPv6 sends VRRP adverts from.
    public var isIPv6LinkLocal: Bool {
        family == .ipv6 && bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80
    }
}

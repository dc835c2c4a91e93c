// An IPv4 or IPv6 address as IPVS carries it: a family and the address bytes in network order.
import Foundation

/// The address families IPVS serves, with their Linux values (AF_INET, AF_INET6).
public enum IPVSAddressFamily: UInt16, Sendable, Hashable, CustomStringConvertible {
    case inet = 2
    case inet6 = 10

    /// Address length in bytes.
    public var addressLength: Int { self == .inet ? 4 : 16 }
    /// The longest prefix: the persistence granularity that means "one client address".
    public var maximumPrefixLength: Int { addressLength * 8 }
    public var description: String { self == .inet ? "IPv4" : "IPv6" }
}

public struct IPVSAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let family: IPVSAddressFamily
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]

    /// Parses dotted-quad IPv4 or any textual IPv6 form; nil when `text` is neither.
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(family: .inet, unchecked: withUnsafeBytes(of: &v4) { Array($0) })
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self.init(family: .inet6, unchecked: withUnsafeBytes(of: &v6) { Array($0) })
        } else {
            return nil
        }
    }

    /// An address from its bytes; nil when their count does not fit the family.
    public init?(family: IPVSAddressFamily, bytes: some Collection<UInt8>) {
        guard bytes.count == family.addressLength else { return nil }
        self.init(family: family, unchecked: Array(bytes))
    }

    private init(family: IPVSAddressFamily, unchecked bytes: [UInt8]) {
        self.family = family
        self.bytes = bytes
    }

    /// The address as the kernel's `union nf_inet_addr`: 16 bytes, IPv4 in the first four.
    var inetAddrUnion: [UInt8] { bytes + [UInt8](repeating: 0, count: 16 - bytes.count) }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let af = family == .inet ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(af, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// IPv4 before IPv6, then byte order: a stable order for listings.
    public static func < (lhs: IPVSAddress, rhs: IPVSAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .inet }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

extension IPVSAddress {
    /// `address:port`, with IPv6 in brackets as ipvsadm prints it.
    func withPort(_ port: UInt16) -> String {
        family == .inet6 ? "[\(self)]:\(port)" : "\(self):\(port)"
    }
}

// A VRRP advertisement as a value: what AdvertEncoder writes and AdvertDecoder reads.

/// The protocol version of an advert: 2 (RFC 3768, IPv4 only, interval in seconds, optional
/// simple-password field) or 3 (RFC 5798, IPv4 and IPv6, interval in centiseconds).
public enum VRRPVersion: UInt8, Hashable, Sendable, CaseIterable {
    case v2 = 2
    case v3 = 3
}

/// The advertisement interval, in centiseconds: the unit of VRRPv3's 12-bit Max Adver Int
/// (1...4095). VRRPv2 carries whole seconds (1...255), which are 100...25500 centiseconds here.
public struct AdvertInterval: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let centiseconds: UInt16

    /// Largest interval either version can carry: 255 s in VRRPv2.
    public static let maximumCentiseconds: UInt16 = 25_500
    /// Largest value of VRRPv3's 12-bit field: 40.95 s.
    public static let maximumV3Centiseconds: UInt16 = 4095

    /// nil for zero or more than 255 s: no version can carry those.
    public init?(centiseconds: Int) {
        guard (1...Int(Self.maximumCentiseconds)).contains(centiseconds) else { return nil }
        self.centiseconds = UInt16(centiseconds)
    }

    /// nil for zero or more than 255 s.
    public init?(seconds: Int) {
        guard (1...255).contains(seconds) else { return nil }
        self.init(centiseconds: seconds * 100)
    }

    public var duration: Duration { .milliseconds(Int(centiseconds) * 10) }

    /// Whether `version` can carry this interval exactly.
    public func isRepresentable(in version: VRRPVersion) -> Bool {
        switch version {
        case .v2: centiseconds % 100 == 0
        case .v3: centiseconds <= Self.maximumV3Centiseconds
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.centiseconds < rhs.centiseconds }

    public var description: String { "\(centiseconds)cs" }
}

/// The 8-byte VRRPv2 authentication data field used by simple-password authentication
/// (RFC 2338 type 1; keepalived's `auth_type PASS`): the password, padded with zero bytes.
public struct VRRPPassword: Hashable, Sendable, CustomStringConvertible {
    /// Exactly eight bytes, as on the wire.
    public let field: [UInt8]

    /// nil when the UTF-8 text is empty or longer than the 8-byte field.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard (1...VRRPWire.v2AuthenticationDataLength).contains(bytes.count) else { return nil }
        field = bytes + Array(repeating: 0, count: VRRPWire.v2AuthenticationDataLength - bytes.count)
    }

    /// keepalived's `auth_pass`: the first eight UTF-8 bytes of a longer text are the password
    /// (keepalived truncates the same way); nil when the text is empty.
    public init?(truncating text: String) {
        let bytes = Array(text.utf8.prefix(VRRPWire.v2AuthenticationDataLength))
        guard !bytes.isEmpty else { return nil }
        field = bytes + Array(repeating: 0, count: VRRPWire.v2AuthenticationDataLength - bytes.count)
    }

    /// The field exactly as received; nil unless it has eight bytes.
    public init?(field: some Collection<UInt8>) {
        guard field.count == VRRPWire.v2AuthenticationDataLength else { return nil }
        self.field = Array(field)
    }

    /// The password text up to the first zero byte, for logs; invalid UTF-8 shows as U+FFFD.
    public var description: String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// VRRPv2 authentication. Type 2 (IP Authentication Header) is refused when decoding: RFC 3768
/// removed it and no peer worth talking to still sends it.
public enum V2Authentication: Hashable, Sendable {
    /// Auth Type 0. The data field is sent as zeros and ignored on reception (RFC 3768 5.3.10).
    case none
    /// Auth Type 1: the password travels in clear in the data field.
    case simplePassword(VRRPPassword)

    /// The Auth Type byte.
    public var typeCode: UInt8 {
        switch self {
        case .none: 0
        case .simplePassword: 1
        }
    }
}

/// One VRRP advertisement.
public struct VRRPAdvert: Hashable, Sendable {
    public var version: VRRPVersion
    /// VRID; 1...255 in a valid configuration. The codec carries whatever it is given.
    public var virtualRouterID: UInt8
    /// 255 = address owner, 1...254 = backup priority, 0 = the master is stopping.
    public var priority: UInt8
    /// Adver Int (v2) or Max Adver Int (v3).
    public var interval: AdvertInterval
    /// The virtual addresses, all of the advert's IP family; v2 carries IPv4 only.
    public var addresses: [IPAddress]
    /// Always `.none` in a VRRPv3 advert, which has no authentication field.
    public var authentication: V2Authentication

    public init(version: VRRPVersion, virtualRouterID: UInt8, priority: UInt8,
                interval: AdvertInterval, addresses: [IPAddress],
                authentication: V2Authentication = .none) {
        self.version = version
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.interval = interval
        self.addresses = addresses
        self.authentication = authentication
    }

    /// Bytes this advert takes on the wire for `family`.
    public func encodedLength(family: IPFamily) -> Int {
        VRRPWire.fixedHeaderLength + addresses.count * family.addressLength
            + (version == .v2 ? VRRPWire.v2AuthenticationDataLength : 0)
    }
}

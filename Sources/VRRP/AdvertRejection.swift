// Why a received advert was dropped. The socket path (AdvertReceiver) and the XDP path report
// through the same AdvertRejectionReason, so one counter name means one thing everywhere.

/// The stable name of a drop reason, used as a counter label. Neither names nor codes may change:
/// dashboards and the BPF side (which reports a code) depend on them.
public enum AdvertRejectionReason: String, Hashable, Sendable, CaseIterable {
    case ttl
    case version
    case type
    case length
    case addressCount
    case checksum
    case interval
    case authType
    case authMismatch
    case unknownVRID
    case localOwner
    case addressListMismatch

    /// A small stable number for the same reason, for a BPF per-reason counter array.
    public var code: UInt8 {
        switch self {
        case .ttl: 1
        case .version: 2
        case .type: 3
        case .length: 4
        case .addressCount: 5
        case .checksum: 6
        case .interval: 7
        case .authType: 8
        case .authMismatch: 9
        case .unknownVRID: 10
        case .localOwner: 11
        case .addressListMismatch: 12
        }
    }

    public init?(code: UInt8) {
        guard let reason = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = reason
    }
}

/// A received advert that RFC 3768 / RFC 5798 section 7.1 says to discard, with the detail a log
/// line needs.
public enum AdvertRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// TTL / hop limit other than 255: the packet may have crossed a router.
    case hopLimit(UInt8)
    /// The payload is not a valid advert.
    case malformed(AdvertDecodeError)
    /// No virtual router with this VRID on the receiving interface and family.
    case unknownVirtualRouter(UInt8)
    /// The local router owns the addresses (priority 255) and so takes no part in elections.
    case localIsAddressOwner(virtualRouterID: UInt8)
    /// A well-formed advert of the other version than the one configured.
    case versionMismatch(configured: VRRPVersion, received: VRRPVersion)
    /// VRRPv2 Auth Type differs from the configured one.
    case authTypeMismatch(configured: UInt8, received: UInt8)
    /// Same Auth Type, different password.
    case authMismatch
    /// VRRPv2: the address list differs from the configured one and the sender is not the owner.
    case addressListMismatch(received: [IPAddress])
    /// VRRPv2: the Adver Int differs from the configured one (RFC 3768 section 7.1).
    case intervalMismatch(configured: AdvertInterval, received: AdvertInterval)

    public var reason: AdvertRejectionReason {
        switch self {
        case .hopLimit: .ttl
        case .malformed(let error): error.reason
        case .unknownVirtualRouter: .unknownVRID
        case .localIsAddressOwner: .localOwner
        case .versionMismatch: .version
        case .authTypeMismatch: .authType
        case .authMismatch: .authMismatch
        case .addressListMismatch: .addressListMismatch
        case .intervalMismatch: .interval
        }
    }

    public var description: String {
        switch self {
        case .hopLimit(let value):
            "TTL/hop limit \(value) is not 255"
        case .malformed(let error):
            error.description
        case .unknownVirtualRouter(let vrid):
            "no virtual router \(vrid) on this interface"
        case .localIsAddressOwner(let vrid):
            "virtual router \(vrid) is the address owner here and ignores adverts"
        case .versionMismatch(let configured, let received):
            "VRRPv\(received.rawValue) advert for a VRRPv\(configured.rawValue) virtual router"
        case .authTypeMismatch(let configured, let received):
            "auth type \(received) received, \(configured) configured"
        case .authMismatch:
            "authentication password does not match"
        case .addressListMismatch(let received):
            "advertised addresses \(received) differ from the configured ones"
        case .intervalMismatch(let configured, let received):
            "advert interval \(received) differs from the configured \(configured)"
        }
    }
}

// The scope of an interface address (rtnetlink's RT_SCOPE_*), under the names keepalived's
// `scope` keyword and `ip addr` use.

public enum AddressScope: Hashable, Sendable, CustomStringConvertible {
    /// RT_SCOPE_UNIVERSE (0): valid everywhere; keepalived's and ip's "global".
    case global
    /// RT_SCOPE_SITE (200).
    case site
    /// RT_SCOPE_LINK (253): valid on the attached link only.
    case link
    /// RT_SCOPE_HOST (254): valid on this host only.
    case host
    /// RT_SCOPE_NOWHERE (255).
    case nowhere
    /// Any other number the kernel reports (routing daemons may use private scopes).
    case other(UInt8)

    /// The scope named `name` as keepalived writes it ("global", "site", "link", "host",
    /// "nowhere"); nil for other words.
    public init?(keepalivedName name: String) {
        switch name.lowercased() {
        case "global": self = .global
        case "site": self = .site
        case "link": self = .link
        case "host": self = .host
        case "nowhere": self = .nowhere
        default: return nil
        }
    }

    public init(rawValue: UInt8) {
        switch rawValue {
        case 0: self = .global
        case 200: self = .site
        case 253: self = .link
        case 254: self = .host
        case 255: self = .nowhere
        default: self = .other(rawValue)
        }
    }

    public var rawValue: UInt8 {
        switch self {
        case .global: 0
        case .site: 200
        case .link: 253
        case .host: 254
        case .nowhere: 255
        case .other(let value): value
        }
    }

    public var description: String {
        switch self {
        case .global: "global"
        case .site: "site"
        case .link: "link"
        case .host: "host"
        case .nowhere: "nowhere"
        case .other(let value): String(value)
        }
    }
}

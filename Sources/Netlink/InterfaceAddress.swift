// One address the kernel reports on an interface.

public struct InterfaceAddress: Hashable, Sendable, CustomStringConvertible {
    public var ifindex: Int32
    public var address: InetAddress
    public var prefixLength: UInt8
    public var scope: AddressScope
    /// The IPv4 label; nil for IPv6.
    public var label: String?
    public var flags: AddressFlags

    public var description: String {
        var text = "\(address)/\(prefixLength) scope \(scope)"
        if let label { text += " \(label)" }
        if !flags.isEmpty { text += " \(flags)" }
        return text
    }
}

/// The IFA_F_* flags worth knowing about.
public struct AddressFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// IFA_F_SECONDARY: not the first address of its subnet on the interface.
    public static let secondary = AddressFlags(rawValue: 0x01)
    /// IFA_F_NODAD.
    public static let noDAD = AddressFlags(rawValue: 0x02)
    /// IFA_F_DADFAILED.
    public static let dadFailed = AddressFlags(rawValue: 0x08)
    /// IFA_F_DEPRECATED.
    public static let deprecated = AddressFlags(rawValue: 0x20)
    /// IFA_F_TENTATIVE: still under duplicate address detection, not usable yet.
    public static let tentative = AddressFlags(rawValue: 0x40)
    /// IFA_F_PERMANENT.
    public static let permanent = AddressFlags(rawValue: 0x80)

    public var description: String {
        let names: [(AddressFlags, String)] = [
            (.secondary, "secondary"), (.noDAD, "nodad"), (.dadFailed, "dadfailed"),
            (.deprecated, "deprecated"), (.tentative, "tentative"), (.permanent, "permanent"),
        ]
        return names.filter { contains($0.0) }.map(\.1).joined(separator: " ")
    }
}

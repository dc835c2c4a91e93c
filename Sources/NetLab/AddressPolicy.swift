// Lab addresses come from the documentation ranges only (RFC 5737, RFC 3849). This machine's own
// uplink sits on 192.0.2.0/24, so these addresses must stay inside namespaces the lab made.
public enum AddressPolicy {
    public static let allowedPrefixes = ["192.0.2.", "198.51.100.", "203.0.113.", "2001:db8:", "fe80:"]

    public static func isLabAddress(_ cidr: String) -> Bool {
        let address = cidr.split(separator: "/").first.map(String.init)?.lowercased() ?? ""
        return allowedPrefixes.contains { address.hasPrefix($0) }
    }
}

public struct LabAddressError: Error, CustomStringConvertible {
    public let address: String
    public var description: String {
        "\(address) is not a lab address: use 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 or 2001:db8::/32"
    }
}

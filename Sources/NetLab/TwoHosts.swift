// The smallest lab: two hosts joined by a veth pair.
import Foundation

/// Hosts `a` and `b`, each with an `eth0` facing the other, on 192.0.2.0/24 and 2001:db8::/64.
public struct TwoHosts {
    public let lab: Lab
    public let a: NetworkNamespace
    public let b: NetworkNamespace

    public init(_ name: String) throws {
        lab = try Lab(name)
        a = try lab.namespace("a")
        b = try lab.namespace("b")
        try lab.link(a, "eth0", b, "eth0")
        try a.addAddress("192.0.2.1/24", dev: "eth0")
        try b.addAddress("192.0.2.2/24", dev: "eth0")
        try a.addAddress("2001:db8::1/64", dev: "eth0")
        try b.addAddress("2001:db8::2/64", dev: "eth0")
    }
}

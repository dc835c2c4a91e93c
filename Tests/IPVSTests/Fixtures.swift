// Addresses and services the IPVS tests share; all from the documentation ranges.
@testable import IPVS

func address(_ text: String) -> IPVSAddress {
    guard let parsed = IPVSAddress(text) else { fatalError("bad test address \(text)") }
    return parsed
}

enum Fixture {
    static let vip = address("203.0.113.100")
    static let web = IPVSServiceKey.address(.tcp, vip, port: 80)
    static let dns = IPVSServiceKey.address(.udp, vip, port: 53)
    static let marked = IPVSServiceKey.firewallMark(7, family: .inet)
    static let sticky = IPVSServiceKey.address(.tcp, address("203.0.113.101"), port: 443)

    static func real(_ last: Int, port: UInt16 = 80, forwarding: IPVSForwarding = .directRoute,
                     weight: Int = 1) -> IPVSDestination {
        IPVSDestination(address("203.0.113.\(last)"), port: port, forwarding: forwarding, weight: weight)
    }

    /// TCP wrr with two direct-routed reals, UDP rr, a firewall-mark service and a persistent one.
    static let mixed = IPVSState([
        IPVSVirtualServer(IPVSService(web, scheduler: "wrr"),
                          destinations: [real(11, weight: 2), real(12, weight: 1)]),
        IPVSVirtualServer(IPVSService(dns, scheduler: "rr"),
                          destinations: [real(21, port: 5353, forwarding: .masquerade), real(22, port: 5353, forwarding: .masquerade)]),
        IPVSVirtualServer(IPVSService(marked, scheduler: "rr"),
                          destinations: [real(31, port: 0)]),
        IPVSVirtualServer(IPVSService(sticky, scheduler: "sh", persistence: IPVSPersistence(timeout: 600, granularity: 24)),
                          destinations: [real(41, port: 443), real(42, port: 443, weight: 3)]),
    ])
}

// VIPs go on and off an interface through netlink the way keepalived's virtual_ipaddress block
// describes them, and `ip addr` sees exactly that.
import Foundation
import NetLab
import Netlink
import Testing

@Suite("Interface addresses over netlink", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct AddressLabTests {
    @Test("An IPv4 VIP with label and scope appears in ip addr; adding it twice is no error")
    func addIPv4WithLabelAndScope() async throws {
        let hosts = try TwoHosts("nl-add4")
        defer { hosts.lab.tearDown() }
        let ifindex = try hosts.a.ifindex("eth0")
        let netlink = try hosts.a.perform { try RouteNetlink() }
        let vip = AddressAssignment(address: InetAddress("198.51.100.100")!, prefixLength: 24,
                                    label: "eth0:vip", scope: .link)

        try await netlink.addAddress(vip, ifindex: ifindex)
        try await netlink.addAddress(vip, ifindex: ifindex)

        let shown = try hosts.a.shownAddresses(dev: "eth0").filter { $0.local == "198.51.100.100" }
        #expect(shown.count == 1)
        #expect(shown.first?.prefixLength == 24)
        #expect(shown.first?.scope == "link")
        #expect(shown.first?.label == "eth0:vip")

        let listed = try await netlink.addresses(ifindex: ifindex, family: .ipv4)
        let entry = listed.first { $0.address == vip.address }
        #expect(entry?.label == "eth0:vip")
        #expect(entry?.scope == .link)
        #expect(entry?.prefixLength == 24)
    }

    @Test("A VIP in the primary's subnet is secondary and leaves the primary address alone")
    func secondaryKeepsPrimary() async throws {
        let hosts = try TwoHosts("nl-prim")
        defer { hosts.lab.tearDown() }
        let ifindex = try hosts.a.ifindex("eth0")
        let netlink = try hosts.a.perform { try RouteNetlink() }
        let vip = AddressAssignment(address: InetAddress("192.0.2.100")!, prefixLength: 24, label: "eth0:1")

        try await netlink.addAddress(vip, ifindex: ifindex)

        let listed = try await netlink.addresses(ifindex: ifindex, family: .ipv4)
        #expect(listed.map(\.address.description) == ["192.0.2.1", "192.0.2.100"])
        #expect(listed.last?.flags.contains(.secondary) == true)
        #expect(try await netlink.primaryIPv4Address(ifindex: ifindex) == InetAddress("192.0.2.1"))
        let shown = try hosts.a.shownAddresses(dev: "eth0").first { $0.local == "192.0.2.100" }
        #expect(shown?.flags.contains("secondary") == true)
        #expect(shown?.scope == "global")
    }

    @Test("An IPv6 VIP with nodad appears with the nodad flag and is not tentative")
    func addIPv6NoDAD() async throws {
        let hosts = try TwoHosts("nl-add6")
        defer { hosts.lab.tearDown() }
        // DAD on, so that leaving it out would show.
        try hosts.a.sysctl("net.ipv6.conf.eth0.accept_dad", "1")
        let ifindex = try hosts.a.ifindex("eth0")
        let netlink = try hosts.a.perform { try RouteNetlink() }
        let vip = AddressAssignment(address: InetAddress("2001:db8::100")!, prefixLength: 64,
                                    skipsDuplicateAddressDetection: true)

        try await netlink.addAddress(vip, ifindex: ifindex)
        try await netlink.addAddress(vip, ifindex: ifindex)

        let shown = try hosts.a.shownAddresses(dev: "eth0").filter { $0.local == "2001:db8::100" }
        #expect(shown.count == 1)
        #expect(shown.first?.flags.contains("nodad") == true)
        #expect(shown.first?.flags.contains("tentative") == false)
        let entry = try await netlink.addresses(ifindex: ifindex, family: .ipv6).first { $0.address == vip.address }
        #expect(entry?.flags.contains(.noDAD) == true)
        #expect(entry?.flags.contains(.tentative) == false)
    }

    @Test("Removing a VIP takes it away; removing it again is no error")
    func removeIsIdempotent() async throws {
        let hosts = try TwoHosts("nl-del")
        defer { hosts.lab.tearDown() }
        let ifindex = try hosts.a.ifindex("eth0")
        let netlink = try hosts.a.perform { try RouteNetlink() }
        let v4 = AddressAssignment(address: InetAddress("192.0.2.100")!, prefixLength: 24, label: "eth0:1")
        let v6 = AddressAssignment(address: InetAddress("2001:db8::100")!, prefixLength: 64,
                                   skipsDuplicateAddressDetection: true)
        try await netlink.addAddress(v4, ifindex: ifindex)
        try await netlink.addAddress(v6, ifindex: ifindex)

        for vip in [v4, v6] {
            try await netlink.removeAddress(vip, ifindex: ifindex)
            try await netlink.removeAddress(vip, ifindex: ifindex)
        }

        let locals = try hosts.a.shownAddresses(dev: "eth0").map(\.local)
        #expect(!locals.contains("192.0.2.100"))
        #expect(!locals.contains("2001:db8::100"))
        #expect(locals.contains("192.0.2.1"), "the primary stays")
        #expect(locals.contains("2001:db8::1"))
    }

    @Test("Bad requests fail with typed errors before or from the kernel")
    func typedErrors() async throws {
        let hosts = try TwoHosts("nl-err")
        defer { hosts.lab.tearDown() }
        let netlink = try hosts.a.perform { try RouteNetlink() }
        let labelled6 = AddressAssignment(address: InetAddress("2001:db8::100")!, prefixLength: 64, label: "eth0:x")
        await #expect(throws: NetlinkError.self) { try await netlink.addAddress(labelled6, ifindex: 1) }
        let tooLong = AddressAssignment(address: InetAddress("192.0.2.100")!, prefixLength: 33)
        await #expect(throws: NetlinkError.self) { try await netlink.addAddress(tooLong, ifindex: 1) }

        let missing = AddressAssignment(address: InetAddress("192.0.2.100")!, prefixLength: 24)
        do {
            try await netlink.addAddress(missing, ifindex: 9999)
            Issue.record("adding to a missing interface succeeded")
        } catch {
            #expect(error == .noSuchInterface("with index 9999"), "\(error)")
        }
    }
}

// The Sendable values the netlink adapter hands out and takes, checked without a kernel.
import Testing
@testable import Netlink

@Suite("Netlink values")
struct ValueTests {
    @Test("Addresses parse and print in their usual text forms")
    func inetAddressText() {
        #expect(InetAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(InetAddress("192.0.2.1")?.family == .ipv4)
        #expect(InetAddress("2001:db8::1")?.bytes == [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1])
        #expect(InetAddress("2001:DB8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(InetAddress("fe80::1")?.isIPv6LinkLocal == true)
        #expect(InetAddress("2001:db8::1")?.isIPv6LinkLocal == false)
        #expect(InetAddress("224.0.0.18")?.isMulticast == true)
        #expect(InetAddress("192.0.2.1")?.isMulticast == false)
        for bad in ["", "192.0.2", "192.0.2.256", "2001:db8:::1", "host.example", "192.0.2.1/24"] {
            #expect(InetAddress(bad) == nil, "\(bad)")
        }
        #expect(InetAddress(bytes: [1, 2, 3]) == nil)
        #expect(InetAddress(bytes: [198, 51, 100, 7])?.description == "198.51.100.7")
    }

    @Test("MAC addresses parse, print, and map IPv6 multicast groups")
    func macText() {
        #expect(MACAddress("02:00:5E:00:01:07")?.description == "02:00:5e:00:01:07")
        #expect(MACAddress("02:00:5e:00:01") == nil)
        #expect(MACAddress("02:00:5e:00:01:zz") == nil)
        #expect(MACAddress("2:0:5e:0:1:7") == nil)
        #expect(MACAddress(bytes: [1, 2, 3, 4, 5]) == nil)
        #expect(MACAddress(ipv6Multicast: InetAddress("ff02::1")!)?.description == "33:33:00:00:00:01")
        #expect(MACAddress(ipv6Multicast: InetAddress("2001:db8::1")!) == nil)
    }

    @Test("Scopes go by keepalived's names and rtnetlink's numbers")
    func scopes() {
        let names = ["global": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255]
        for (name, number) in names {
            let scope = AddressScope(keepalivedName: name)
            #expect(scope?.rawValue == UInt8(number), "\(name)")
            #expect(scope?.description == name)
            #expect(AddressScope(rawValue: UInt8(number)) == scope)
        }
        #expect(AddressScope(keepalivedName: "universe") == nil)
        #expect(AddressScope(rawValue: 100) == .other(100))
    }

    @Test("Assignments the kernel would refuse are caught before sending")
    func assignmentProblems() {
        let v4 = InetAddress("192.0.2.100")!
        let v6 = InetAddress("2001:db8::100")!
        #expect(AddressAssignment(address: v4, prefixLength: 24, label: "eth0:1").problem == nil)
        #expect(AddressAssignment(address: v6, prefixLength: 64, skipsDuplicateAddressDetection: true).problem == nil)
        #expect(AddressAssignment(address: v4, prefixLength: 33).problem != nil)
        #expect(AddressAssignment(address: v6, prefixLength: 129).problem != nil)
        #expect(AddressAssignment(address: v6, prefixLength: 64, label: "eth0:1").problem != nil)
        #expect(AddressAssignment(address: v4, prefixLength: 24, label: "a-label-of-16-by").problem != nil)
        #expect(AddressAssignment(address: v4, prefixLength: 24, label: "").problem != nil)
        #expect(AddressAssignment(address: v4, prefixLength: 24, skipsDuplicateAddressDetection: true).problem != nil)
    }

    @Test("Neighbour states with a usable MAC are the ones the kernel forwards with")
    func neighbourUsability() {
        let mac = MACAddress("02:00:00:00:00:01")!
        func entry(_ state: NeighbourState, mac: MACAddress? = mac) -> NeighbourEntry {
            NeighbourEntry(address: InetAddress("192.0.2.1")!, ifindex: 2, mac: mac, state: state)
        }
        for state: NeighbourState in [.reachable, .stale, .delay, .probe, .permanent] {
            #expect(entry(state).usableMAC == mac, "\(state)")
        }
        for state: NeighbourState in [.incomplete, .failed, .noARP, []] {
            #expect(entry(state).usableMAC == nil, "\(state)")
        }
        #expect(entry(.reachable, mac: nil).usableMAC == nil)
    }

    @Test("The link monitor reports only up/down changes, each interface's first message, and removals")
    func linkChangeFilter() {
        var filter = LinkChangeFilter()
        var eth0 = LinkState(ifindex: 2, name: "eth0", mac: nil, isAdministrativelyUp: true, isRunning: true,
                             operationalState: .up, mtu: 1500)
        #expect(filter.newLink(eth0) == .changed(eth0), "first sight")
        eth0.mtu = 9000
        #expect(filter.newLink(eth0) == nil, "an MTU change is not news")
        eth0.isRunning = false
        eth0.operationalState = .lowerLayerDown
        #expect(filter.newLink(eth0) == .changed(eth0))
        #expect(filter.newLink(eth0) == nil)
        #expect(filter.deletedLink(eth0) == .removed(ifindex: 2, name: "eth0"))
        #expect(filter.newLink(eth0) == .changed(eth0), "a new interface with the old index is new")
        filter.forgetAll()
        #expect(filter.newLink(eth0) == .changed(eth0), "after an overrun every state is reported again")
    }
}

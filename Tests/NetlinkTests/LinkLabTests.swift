// Interface facts and the link monitor: what VRRP's interface tracking listens to.
import Foundation
import NetLab
import Netlink
import Testing

@Suite("Links over netlink", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct LinkLabTests {
    @Test("An interface's index, name, MAC, state and source addresses match what ip reports")
    func interfaceFacts() async throws {
        let hosts = try TwoHosts("nl-link")
        defer { hosts.lab.tearDown() }
        let ifindex = try hosts.a.ifindex("eth0")
        let netlink = try hosts.a.perform { try RouteNetlink() }

        let link = try await netlink.link(ifindex: ifindex)
        #expect(link.name == "eth0")
        #expect(link.mac == MACAddress(try hosts.a.mac("eth0")))
        #expect(link.operationalState == .up)
        #expect(link.isUp)
        #expect(try await netlink.ifindex(of: "eth0") == ifindex)
        #expect(try await netlink.link(named: "eth0") == link)

        #expect(try await netlink.primaryIPv4Address(ifindex: ifindex) == InetAddress("192.0.2.1"))
        let shownLinkLocal = try hosts.a.shownAddresses(dev: "eth0").first { $0.scope == "link" && $0.local.hasPrefix("fe80") }
        let linkLocal = try await netlink.ipv6LinkLocalAddress(ifindex: ifindex)
        #expect(linkLocal != nil)
        #expect(linkLocal == shownLinkLocal.flatMap { InetAddress($0.local) })

        try hosts.a.run("ip", "link", "set", "eth0", "down")
        let down = try await netlink.link(ifindex: ifindex)
        #expect(!down.isUp)
        #expect(!down.isAdministrativelyUp)
        #expect(down.operationalState == .down)
        // The peer loses its carrier but stays administratively up (its operational state follows
        // a moment later, through the kernel's link watch).
        let peerNetlink = try hosts.b.perform { try RouteNetlink() }
        let peer = try await eventually {
            let state = try await peerNetlink.link(named: "eth0")
            return state.operationalState != .up ? state : nil
        }
        #expect(peer?.isAdministrativelyUp == true)
        #expect(peer?.isRunning == false)
        #expect(peer?.isUp == false)
    }

    @Test("Unknown interfaces are typed errors")
    func unknownInterface() async throws {
        let hosts = try TwoHosts("nl-nolink")
        defer { hosts.lab.tearDown() }
        let netlink = try hosts.a.perform { try RouteNetlink() }
        await #expect(throws: NetlinkError.noSuchInterface("nope0")) { try await netlink.link(named: "nope0") }
        await #expect(throws: NetlinkError.noSuchInterface("with index 9999")) { try await netlink.link(ifindex: 9999) }
        await #expect(throws: NetlinkError.self) { try await netlink.link(named: "a-name-far-too-long") }
    }

    @Test("The link monitor reports down and up when ip link sets them, and removal")
    func monitorSeesDownAndUp() async throws {
        let hosts = try TwoHosts("nl-mon")
        defer { hosts.lab.tearDown() }
        let ifindex = try hosts.a.ifindex("eth0")
        let monitor = try hosts.a.perform { try LinkMonitor() }
        defer { monitor.stop() }
        let recorder = EventRecorder(monitor.events)

        try hosts.a.run("ip", "link", "set", "eth0", "down")
        let down = await recorder.first { event in
            if case .changed(let state) = event { state.ifindex == ifindex && !state.isUp } else { false }
        }
        #expect(down != nil, "a down event for eth0")
        if case .changed(let state)? = down {
            #expect(state.name == "eth0")
            #expect(!state.isAdministrativelyUp)
        }

        let afterDown = await recorder.count
        try hosts.a.run("ip", "link", "set", "eth0", "up")
        let up = await recorder.first(after: afterDown) { event in
            if case .changed(let state) = event { state.ifindex == ifindex && state.isUp } else { false }
        }
        #expect(up != nil, "an up event for eth0")
        if case .changed(let state)? = up { #expect(state.operationalState == .up) }

        try hosts.a.run("ip", "link", "add", "spare0", "type", "veth", "peer", "name", "spare1")
        try hosts.a.run("ip", "link", "del", "spare0")
        let removed = await recorder.first { event in
            if case .removed(_, let name) = event { name == "spare0" } else { false }
        }
        #expect(removed != nil, "a removal event for spare0")

        // The monitor heard the lab's namespace only: a change elsewhere does not show.
        try hosts.b.run("ip", "link", "set", "eth0", "mtu", "1400")
        try hosts.b.run("ip", "link", "set", "eth0", "down")
        let fromB = await recorder.first(within: 0.3) { event in
            if case .changed(let state) = event { state.ifindex == ifindex && state.mtu == 1400 } else { false }
        }
        #expect(fromB == nil)

        monitor.stop()
        let ended = await eventually(within: 2) { await recorder.isFinished ? true : nil }
        #expect(ended == true, "stopping the monitor ends its stream")
    }
}

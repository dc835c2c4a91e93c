// The lab proves itself: the entry program from bpf/, loaded by the Swift code, attached to a
// veth inside a namespace, counts the packets a real ping sends through it.
import BPF
import Foundation
import NetLab
import Testing

@Suite("Entry program in a lab", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct EntryProgramLabTests {
    @Test("A ping through a veth is counted by the attached entry program")
    func pingIsCounted() async throws {
        let lab = try Lab("ping")
        defer { lab.tearDown() }
        let client = try lab.namespace("client")
        let server = try lab.namespace("server")
        try lab.link(client, "eth0", server, "eth0")
        try client.addAddress("192.0.2.10/24", dev: "eth0")
        try server.addAddress("192.0.2.20/24", dev: "eth0")
        try client.addAddress("2001:db8::10/64", dev: "eth0")
        try server.addAddress("2001:db8::20/64", dev: "eth0")

        let program = try EntryProgram()
        let fd = await program.entryFD
        let mode = try server.perform {
            try XDPAttachment.attach(programFD: fd, ifindex: XDPAttachment.ifindex(of: "eth0"), mode: .native)
            return try XDPAttachment.attachedProgramID(ifindex: XDPAttachment.ifindex(of: "eth0"))
        }
        #expect(mode != nil, "the server's eth0 reports an attached XDP program")

        let before = try await program.trafficCounts()
        try client.run("ping", "-c", "5", "-i", "0.05", "-W", "1", "192.0.2.20")
        try client.run("ping", "-6", "-c", "3", "-i", "0.05", "-W", "1", "2001:db8::20")
        let after = try await program.trafficCounts()

        func delta(_ traffic: TrafficClass) -> UInt64 { after[traffic, default: 0] - before[traffic, default: 0] }
        // Every echo request crossed the server's eth0; ARP/ND add frames but no ICMP.
        #expect(delta(.ipv4) >= 5)
        #expect(delta(.ipv6) >= 3)
        #expect(delta(.icmp) >= 8, "5 ICMP + 3 ICMPv6 echo requests (ND adds more ICMPv6)")
        #expect(delta(.arp) >= 1)
        #expect(delta(.tcp) == 0)
        #expect(delta(.all) >= delta(.ipv4) + delta(.ipv6) + delta(.arp))

        try server.perform { try XDPAttachment.detach(ifindex: XDPAttachment.ifindex(of: "eth0")) }
        let detached = try server.perform { try XDPAttachment.attachedProgramID(ifindex: XDPAttachment.ifindex(of: "eth0")) }
        #expect(detached == nil)
    }

    @Test("The lab leaves no namespace behind, also when the test body throws")
    func labCleansUpOnFailure() throws {
        var name = ""
        struct Boom: Error {}
        do {
            let lab = try Lab("boom")
            defer { lab.tearDown() }
            name = try lab.namespace("a").name
            throw Boom()
        } catch is Boom {}
        let list = try Command.run(["ip", "netns", "list"]).output
        #expect(!name.isEmpty)
        #expect(!list.contains(name))
    }

    @Test("A lab refuses addresses outside the documentation ranges")
    func refusesForeignAddresses() throws {
        let lab = try Lab("addr")
        defer { lab.tearDown() }
        let ns = try lab.namespace("a")
        #expect(throws: LabAddressError.self) { try ns.addAddress("10.0.0.1/24", dev: "lo") }
    }
}

// keepalived as the master on one end of a veth pair, the entry program on the other: the stage
// must record keepalived's adverts and count every one, yet wake the control plane only for the
// first (new master) and for keepalived's goodbye (priority 0), never per advert.
@testable import BPF
import Foundation
import NetLab
import Testing

@Suite("VRRP reception: keepalived lab", .enabled(if: Lab.unavailableReason == nil && Command.exists("keepalived")))
struct VRRPRxLabTests {
    private static let keepalivedConfig = """
        global_defs {
            router_id xdpha-vrrprx-lab
            vrrp_version 3
        }
        vrrp_instance V4 {
            state MASTER
            interface veth1
            virtual_router_id 51
            priority 150
            advert_int 0.1
            virtual_ipaddress {
                192.0.2.100/24
            }
        }
        vrrp_instance V6 {
            state MASTER
            interface veth1
            virtual_router_id 61
            priority 140
            advert_int 0.1
            virtual_ipaddress {
                2001:db8::100/64
            }
        }
        """

    @Test("keepalived's v3 adverts (IPv4 and IPv6, every 100 ms) are recorded and counted; only changes wake")
    func keepalivedMaster() async throws {
        let lab = try Lab("vrrprx")
        defer { lab.tearDown() }
        let director = try lab.namespace("dir")
        let peer = try lab.namespace("peer")
        try lab.link(director, "veth0", peer, "veth1")
        try director.addAddress("192.0.2.10/24", dev: "veth0")
        try peer.addAddress("192.0.2.11/24", dev: "veth1")
        let peerLinkLocal = try Self.linkLocal(of: "veth1", in: peer)

        let program = try EntryProgram()
        let ifindex = UInt32(try director.ifindex("veth0"))
        let v4 = VRRPReceptionKey(ifindex: ifindex, family: .ipv4, vrid: 51)
        let v6 = VRRPReceptionKey(ifindex: ifindex, family: .ipv6, vrid: 61)
        try await program.enableVRRPReception(ifindex: ifindex)
        try await program.configureVRRP(v4, VRRPReceptionConfig())
        try await program.configureVRRP(v6, VRRPReceptionConfig())
        let entryFD = await program.entryFD
        _ = try director.perform {
            try XDPAttachment.attachPreferringNative(programFD: entryFD, ifindex: Int32(ifindex))
        }

        let work = FileManager.default.temporaryDirectory.appending(path: "\(lab.id)-keepalived")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let config = work.appending(path: "keepalived.conf")
        try Self.keepalivedConfig.write(to: config, atomically: true, encoding: .utf8)
        let keepalived = try lab.spawn(peer, [
            "keepalived", "-n", "-l", "-D", "-P", "-f", config.path,
            "-p", work.appending(path: "keepalived.pid").path, "-r", work.appending(path: "vrrp.pid").path,
        ], log: work.appending(path: "keepalived.log"))

        // keepalived starts as backup and becomes master after its down timer (about 0.4 s).
        let deadline = VRRPClock.now() + 10_000_000_000
        while true {
            let heardV4 = try await program.lastVRRPAdvert(v4) != nil
            let heardV6 = try await program.lastVRRPAdvert(v6) != nil
            if heardV4 && heardV6 { break }
            let log = (try? String(contentsOf: work.appending(path: "keepalived.log"), encoding: .utf8)) ?? ""
            try #require(VRRPClock.now() < deadline && keepalived.isRunning, "no adverts recorded; keepalived log:\n\(log)")
            try await Task.sleep(for: .milliseconds(50))
        }
        let startCounts = try #require(try await program.vrrpCounts(v4))
        try await Task.sleep(for: .seconds(1))

        for (key, source, priority) in [(v4, VRRPPeerAddress("192.0.2.11"), UInt8(150)),
                                        (v6, VRRPPeerAddress(peerLinkLocal), UInt8(140))] {
            let record = try #require(try await program.lastVRRPAdvert(key))
            #expect(record.source == source, "\(key)")
            #expect(record.priority == priority, "\(key)")
            #expect(record.maxAdverIntervalCentiseconds == 10, "\(key)")
            #expect(record.version == 3, "\(key)")
            #expect(record.addressCount == 1, "\(key)")
            #expect(VRRPClock.now() - record.receivedAtNanoseconds < 500_000_000, "\(key): record is stale")
            let counts = try #require(try await program.vrrpCounts(key))
            #expect(counts[.accepted] >= 5, "\(key): \(counts.nonZero)")
            #expect(counts.rejected == 0, "\(key): \(counts.nonZero)")
        }
        let endCounts = try #require(try await program.vrrpCounts(v4))
        let perSecond = endCounts[.accepted] - startCounts[.accepted]
        // 10 expected; the bounds leave room for a loaded machine's scheduling.
        #expect(perSecond >= 4 && perSecond <= 20, "IPv4 adverts in one second: \(perSecond)")

        // One wakeup per virtual router (its first advert), not one per advert.
        let running = try await program.consumeVRRPEvents()
        #expect(running.filter { $0.key == v4 }.map(\.reasons) == [.newMaster])
        #expect(running.filter { $0.key == v6 }.map(\.reasons) == [.newMaster])

        // A stopping keepalived says goodbye with priority 0: that must wake the control plane.
        kill(keepalived.processIdentifier, SIGTERM)
        let exitDeadline = VRRPClock.now() + 5_000_000_000
        while keepalived.isRunning && VRRPClock.now() < exitDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let goodbye = try await program.pollVRRPEvents(timeoutMilliseconds: 200)
        #expect(goodbye.contains { $0.key == v4 && $0.reasons.contains(.priorityZero) }, "\(goodbye)")
        #expect(goodbye.contains { $0.key == v6 && $0.reasons.contains(.priorityZero) }, "\(goodbye)")

        _ = try? director.perform { try XDPAttachment.detach(ifindex: Int32(ifindex)) }
    }

    private static func linkLocal(of dev: String, in ns: NetworkNamespace) throws -> String {
        let output = try ns.run("ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "link").output
        guard let field = output.split(separator: " ").first(where: { $0.hasPrefix("fe80:") }),
              let address = field.split(separator: "/").first else {
            throw LabSetupError(description: "no IPv6 link-local address on \(dev) in \(ns): \(output)")
        }
        return String(address)
    }
}

struct LabSetupError: Error, CustomStringConvertible {
    let description: String
}

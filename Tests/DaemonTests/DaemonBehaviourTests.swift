// xdpha run on its own in a lab: capabilities, bad adverts on both reception paths, tracked
// interfaces and sync groups.
import Daemon
import Foundation
import NetLab
import Testing

@Suite("xdpha run", .serialized,
       .enabled(if: VRRPInteropLab.unavailableReason == nil, "\(VRRPInteropLab.unavailableReason ?? "")"))
struct DaemonBehaviourTests {
    static let vip = "192.0.2.50"

    @Test("Without capabilities run says which are missing in one line and fails")
    func missingCapabilities() throws {
        let result = try Command.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                      VRRPInteropLab.xdphaBinary.path, "run", "-f", "/nonexistent.conf"], check: false)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1, "\(result.output)")
        #expect(result.output.contains("CAP_NET_ADMIN"))
    }

    /// Sends one VRRP payload from router 1 with a chosen TTL (python's raw socket: the test's own
    /// sender, so that malformed packets can be made at all).
    func inject(_ lab: VRRPInteropLab, payload: [UInt8], ttl: Int = 255) throws {
        let hex = payload.map { String(format: "%02x", $0) }.joined()
        let script = """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, \(ttl))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('192.0.2.2'))
        s.sendto(bytes.fromhex('\(hex)'), ('224.0.0.18', 0))
        """
        try lab.routers[1].run("python3", "-c", script)
    }

    /// A valid v2 advert from 192.0.2.2 for VRID 51 with `priority`, PASS "secret12", VIP .50.
    static func advert(priority: UInt8, vrid: UInt8 = 51, password: String = "secret12") -> [UInt8] {
        var bytes: [UInt8] = [0x21, vrid, priority, 1, 1, 1, 0, 0, 192, 0, 2, 50]
        var pass = Array(password.utf8.prefix(8))
        pass += [UInt8](repeating: 0, count: 8 - pass.count)
        bytes += pass
        let sum = InternetSum.checksum(bytes)
        bytes[6] = UInt8(sum >> 8); bytes[7] = UInt8(sum & 0xff)
        return bytes
    }

    func badAdvertsAreCountedAndIgnored(arguments: [String]) async throws {
        let lab = try VRRPInteropLab("bad-\(arguments.last ?? "auto")")
        defer { lab.tearDown() }
        let config = InstanceConfig(priority: 100, version: 2, advertInterval: "1", password: "secret12")
        try lab.startXDPHA(0, config: config.text, arguments: arguments)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(6)), "\(lab.log(0))")

        // Each would preempt (priority 250) if it were accepted.
        let good = Self.advert(priority: 250)
        var badChecksum = good; badChecksum[7] ^= 0xff
        var badVersion = good; badVersion[0] = 0x41
        var badType = good; badType[0] = 0x22
        let wrongPassword = Self.advert(priority: 250, password: "wrong")
        let truncated = Array(good.prefix(6))
        var badCount = good; badCount[3] = 2
        let unknownVRID = Self.advert(priority: 250, vrid: 99)
        for _ in 0..<3 {
            try inject(lab, payload: good, ttl: 64)
            for payload in [badChecksum, badVersion, badType, wrongPassword, truncated, badCount, unknownVRID] {
                try inject(lab, payload: payload)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(lab.holders(of: Self.vip) == [0], "no bad advert took the VIP away")
        let status = lab.status(0)?.instances.first
        #expect(status?.state == "MASTER")
        let rejected = status?.advertsRejected ?? [:]
        let total = rejected.values.reduce(0, +)
        #expect(total >= 15, "rejections counted by reason: \(rejected)")
        #expect(rejected.keys.count >= 4, "several distinct reasons: \(rejected)")
        #expect(rejected.keys.contains { $0.lowercased().contains("ttl") }, "\(rejected)")
        #expect(rejected.keys.contains { $0.lowercased().contains("checksum") }, "\(rejected)")
        #expect(rejected.keys.contains { $0.lowercased().contains("auth") }, "\(rejected)")

        // A valid higher-priority advert is still obeyed: the checks reject only what is bad.
        try inject(lab, payload: good)
        #expect(await lab.waitUntil(.seconds(2)) { !lab.holdsAddress(0, Self.vip) }, "a valid priority-250 advert preempts")
    }

    @Test("Malformed and hostile adverts are counted by reason and ignored (XDP path)")
    func badAdvertsXDP() async throws {
        try await badAdvertsAreCountedAndIgnored(arguments: ["--vrrp-rx", "xdp"])
    }

    @Test("Malformed and hostile adverts are counted by reason and ignored (socket path)")
    func badAdvertsSocket() async throws {
        try await badAdvertsAreCountedAndIgnored(arguments: ["--vrrp-rx", "socket"])
    }

    @Test("track_interface: a tracked link going down lowers the priority by its weight; the instance's own link means FAULT")
    func trackInterface() async throws {
        let lab = try VRRPInteropLab("track")
        defer { lab.tearDown() }
        // This kernel has no dummy driver: a veth pair inside the router stands in for a second link.
        try lab.routers[0].run("ip", "link", "add", "dummy1", "type", "veth", "peer", "name", "dummy1p")
        try lab.routers[0].run("ip", "link", "set", "dummy1p", "up")
        try lab.routers[0].run("ip", "link", "set", "dummy1", "up")
        var config = InstanceConfig(priority: 150, version: 3, advertInterval: "0.1").text
        config = config.replacingOccurrences(of: "    virtual_ipaddress {",
                                             with: "    track_interface {\n        dummy1 weight -60\n    }\n    virtual_ipaddress {")
        try lab.startXDPHA(0, config: config)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(3)), "\(lab.log(0))")

        try lab.routers[0].run("ip", "link", "set", "dummy1", "down")
        #expect(await lab.waitUntil(.seconds(2)) { lab.status(0)?.instances.first?.effectivePriority == 90 },
                "effective priority 150 - 60: \(String(describing: lab.status(0)?.instances.first))")
        try lab.routers[0].run("ip", "link", "set", "dummy1", "up")
        #expect(await lab.waitUntil(.seconds(2)) { lab.status(0)?.instances.first?.effectivePriority == 150 })

        try lab.routers[0].run("ip", "link", "set", "eth0", "down")
        #expect(await lab.waitUntil(.seconds(2)) { lab.status(0)?.instances.first?.state == "FAULT" })
        #expect(!lab.holdsAddress(0, Self.vip), "a FAULT instance holds no VIP")
        try lab.routers[0].run("ip", "link", "set", "eth0", "up")
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(3)), "back to MASTER after FAULT")
    }

    @Test("vrrp_sync_group: one member's FAULT takes the other along, and both come back; notify runs in order")
    func syncGroup() async throws {
        let lab = try VRRPInteropLab("sync")
        defer { lab.tearDown() }
        // This kernel has no dummy driver: a veth pair inside the router stands in for a second link.
        try lab.routers[0].run("ip", "link", "add", "dummy1", "type", "veth", "peer", "name", "dummy1p")
        try lab.routers[0].run("ip", "link", "set", "dummy1p", "up")
        try lab.routers[0].run("ip", "link", "set", "dummy1", "up")
        try lab.routers[0].run("ip", "addr", "add", "198.51.100.1/24", "dev", "dummy1")
        let events = lab.directory.appendingPathComponent("notify.log").path
        let script = lab.directory.appendingPathComponent("notify.sh").path
        try "#!/bin/sh\necho \"$1 $2 $3 $4\" >> \(events)\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let config = """
        vrrp_sync_group G {
            group {
                VI_A
                VI_B
            }
            notify \(script)
        }
        vrrp_instance VI_A {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 150
            version 3
            advert_int 0.1
            notify \(script)
            virtual_ipaddress {
                192.0.2.50/24
            }
        }
        vrrp_instance VI_B {
            state BACKUP
            interface dummy1
            virtual_router_id 52
            priority 150
            version 3
            advert_int 0.1
            virtual_ipaddress {
                198.51.100.50/24
            }
        }

        """
        // keepalived's notify arguments: INSTANCE, the name, the new state, the priority.
        func statesOfA() -> [String] {
            let lines = ((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").split(separator: "\n")
            return lines.filter { $0.hasPrefix("INSTANCE VI_A ") }.compactMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) }
        }
        try lab.startXDPHA(0, config: config)
        #expect(await lab.waitUntil(.seconds(3)) {
            lab.status(0)?.instances.allSatisfy { $0.state == "MASTER" } ?? false
        }, "\(lab.log(0))")
        // Startup may pass through FAULT while the second link settles; what counts is the order
        // of what happens from here on.
        #expect(await lab.waitUntil(.seconds(1)) { statesOfA().last == "MASTER" }, "\(statesOfA())")
        let before = statesOfA().count
        try lab.routers[0].run("ip", "link", "set", "dummy1", "down")
        #expect(await lab.waitUntil(.seconds(2)) {
            lab.status(0)?.instances.allSatisfy { $0.state == "FAULT" } ?? false
        }, "VI_A follows VI_B into FAULT: \(String(describing: lab.status(0)))")
        #expect(!lab.holdsAddress(0, Self.vip))
        try lab.routers[0].run("ip", "link", "set", "dummy1", "up")
        #expect(await lab.waitUntil(.seconds(3)) {
            lab.status(0)?.instances.allSatisfy { $0.state == "MASTER" } ?? false
        }, "both back: \(String(describing: lab.status(0)))")
        #expect(await lab.waitUntil(.seconds(1)) { statesOfA().last == "MASTER" }, "\(statesOfA())")
        let states = Array(statesOfA().dropFirst(before))
        // FAULT first, then back through BACKUP to MASTER, each script after the one before.
        #expect(states.first == "FAULT" && states.last == "MASTER", "notify saw the transitions in order: \(states)")
        #expect(zip(states, states.dropFirst()).allSatisfy { $0 != $1 }, "no state reported twice in a row: \(states)")
        // The group's own notify: once per group transition, when all members share the state.
        let groupLines = ((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").split(separator: "\n")
            .filter { $0.hasPrefix("GROUP G ") }.map { String($0.split(separator: " ")[2]) }
        let fault = groupLines.lastIndex(of: "FAULT")
        #expect(fault != nil && groupLines.last == "MASTER" && groupLines[(fault ?? 0)...].filter { $0 == "FAULT" }.count == 1,
                "GROUP G went to FAULT once and came back to MASTER: \(groupLines)")
    }
}

/// RFC 1071 checksum for the test's hand-made adverts.
enum InternetSum {
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count { sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1]); index += 2 }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

// xdpha and Debian's keepalived share a VRID on one segment: the right side is master at every
// step and a client pinging the VIP is answered.
import Daemon
import Foundation
import Testing

@Suite("Interop with keepalived", .serialized,
       .enabled(if: VRRPInteropLab.unavailableReason == nil, "\(VRRPInteropLab.unavailableReason ?? "")"))
struct KeepalivedInteropTests {
    static let vip = "192.0.2.50"

    enum Daemon { case xdpha, keepalived }

    func start(_ daemon: Daemon, _ router: Int, _ config: InstanceConfig, in lab: VRRPInteropLab,
               arguments: [String] = []) throws {
        switch daemon {
        case .xdpha: try lab.startXDPHA(router, config: config.text, arguments: arguments)
        case .keepalived: try lab.startKeepalived(router, config: config.text)
        }
    }

    /// The higher priority side becomes master, the other stays backup; then a graceful stop of
    /// the master (priority 0) hands the VIP over within a few adverts.
    func electAndHandOver(master: Daemon, backup: Daemon, version: Int, interval: String,
                          password: String? = nil, arguments: [String] = []) async throws {
        let lab = try VRRPInteropLab("ka-\(master)-\(version)")
        defer { lab.tearDown() }
        let advert = Double(interval)!
        var config = InstanceConfig(version: version, advertInterval: interval, password: password)
        config.priority = 150
        try start(master, 0, config, in: lab, arguments: arguments)
        config.priority = 100
        try start(backup, 1, config, in: lab, arguments: arguments)

        let down = Duration.milliseconds(Int((3 * advert + 1) * 1000) + 3000)
        let elected = await lab.waitForSoleHolder(0, of: Self.vip, within: down)
        #expect(elected, "router 0 (\(master), priority 150) holds the VIP alone\n\(lab.log(0))\n\(lab.log(1))")
        // Stays so over several adverts: the backup never takes it.
        try await Task.sleep(for: .milliseconds(Int(advert * 4000)))
        #expect(lab.holders(of: Self.vip) == [0])
        if master == .xdpha, let status = lab.status(0) {
            #expect(status.instances.first?.state == "MASTER")
        }
        if backup == .xdpha, let status = lab.status(1) {
            #expect(status.instances.first?.state == "BACKUP")
            #expect(status.instances.first?.masterSeen == "192.0.2.1")
        }

        await lab.stop(0)
        let handedOver = await lab.waitForSoleHolder(1, of: Self.vip, within: .milliseconds(Int(advert * 1000) + 1500))
        #expect(handedOver, "after the master's graceful stop router 1 (\(backup)) holds the VIP\n\(lab.log(1))")
    }

    @Test("VRRPv3 100 ms: xdpha master, keepalived backup, graceful handover")
    func xdphaMasterV3() async throws {
        try await electAndHandOver(master: .xdpha, backup: .keepalived, version: 3, interval: "0.1")
    }

    @Test("VRRPv3 100 ms: keepalived master, xdpha backup, graceful handover")
    func keepalivedMasterV3() async throws {
        try await electAndHandOver(master: .keepalived, backup: .xdpha, version: 3, interval: "0.1")
    }

    @Test("VRRPv2 1 s with PASS authentication: xdpha master, keepalived backup")
    func xdphaMasterV2Pass() async throws {
        try await electAndHandOver(master: .xdpha, backup: .keepalived, version: 2, interval: "1", password: "secret12")
    }

    @Test("VRRPv2 1 s with PASS authentication: keepalived master, xdpha backup (socket path)")
    func keepalivedMasterV2PassSocket() async throws {
        try await electAndHandOver(master: .keepalived, backup: .xdpha, version: 2, interval: "1",
                                   password: "secret12", arguments: ["--vrrp-rx", "socket"])
    }

    @Test("A wrong password does not elect: xdpha ignores keepalived's adverts and counts them")
    func passwordMismatch() async throws {
        let lab = try VRRPInteropLab("ka-auth")
        defer { lab.tearDown() }
        var keepalived = InstanceConfig(priority: 200, version: 2, advertInterval: "1", password: "right")
        try lab.startKeepalived(0, config: keepalived.text)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(6)))
        keepalived.priority = 100
        let xdpha = InstanceConfig(priority: 100, version: 2, advertInterval: "1", password: "wrong")
        try lab.startXDPHA(1, config: xdpha.text, arguments: ["--vrrp-rx", "socket"])
        // Hearing no valid advert, xdpha becomes master itself despite keepalived's priority 200.
        let tookOver = await lab.waitUntil(.seconds(6)) { lab.holdsAddress(1, Self.vip) }
        #expect(tookOver, "\(lab.log(1))")
        let status = lab.status(1)?.instances.first
        #expect(status?.state == "MASTER")
        #expect((status?.advertsRejected["authMismatch"] ?? 0) > 0, "\(String(describing: status))")
    }

    @Test("Unicast peers: xdpha and keepalived elect over unicast adverts")
    func unicastPeers() async throws {
        let lab = try VRRPInteropLab("ka-unicast")
        defer { lab.tearDown() }
        var config = InstanceConfig(priority: 100, version: 3, advertInterval: "0.1")
        config.unicastSource = "192.0.2.1"; config.unicastPeers = ["192.0.2.2"]; config.priority = 100
        try lab.startXDPHA(0, config: config.text)
        config.unicastSource = "192.0.2.2"; config.unicastPeers = ["192.0.2.1"]; config.priority = 150
        try lab.startKeepalived(1, config: config.text)
        #expect(await lab.waitForSoleHolder(1, of: Self.vip, within: .seconds(3)), "\(lab.log(0))")
        await lab.stop(1)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(2)), "\(lab.log(0))")
    }

    @Test("Equal priorities: of two masters the lower primary address yields (RFC 5798 6.4.3)")
    func tieBreak() async throws {
        let lab = try VRRPInteropLab("ka-tie")
        defer { lab.tearDown() }
        // Keep the two apart until each is master on its own, then join the segment: a master
        // hearing an equal priority from a higher address must yield, the other must not.
        try lab.fabric.run("ip", "link", "set", "p-r2", "nomaster")
        let config = InstanceConfig(priority: 100, version: 3, advertInterval: "0.1")
        try lab.startKeepalived(0, config: config.text)   // 192.0.2.1
        try lab.startXDPHA(1, config: config.text)        // 192.0.2.2: higher, must win
        #expect(await lab.waitUntil(.seconds(3)) { lab.holders(of: Self.vip) == [0, 1] }, "both masters apart")
        try lab.fabric.run("ip", "link", "set", "p-r2", "master", "br0")
        #expect(await lab.waitForSoleHolder(1, of: Self.vip, within: .seconds(3)), "\(lab.log(0))\n\(lab.log(1))")
        try await Task.sleep(for: .milliseconds(500))
        #expect(lab.holders(of: Self.vip) == [1])
        #expect(lab.status(1)?.instances.first?.state == "MASTER")
    }

    @Test("Priority 255 address owner takes over at once from a running keepalived master")
    func addressOwner() async throws {
        let lab = try VRRPInteropLab("ka-owner")
        defer { lab.tearDown() }
        var config = InstanceConfig(priority: 200, version: 3, advertInterval: "1")
        try lab.startKeepalived(0, config: config.text)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(6)))
        config.priority = 255
        let started = ContinuousClock.now
        try lab.startXDPHA(1, config: config.text)
        #expect(await lab.waitForSoleHolder(1, of: Self.vip, within: .seconds(2)), "\(lab.log(1))")
        // Far below keepalived's 3 s + skew master-down interval: the owner does not wait.
        #expect(ContinuousClock.now - started < .milliseconds(1500))
    }

    @Test("nopreempt: a higher-priority xdpha stays backup behind a running keepalived master")
    func nopreempt() async throws {
        let lab = try VRRPInteropLab("ka-nopre")
        defer { lab.tearDown() }
        var config = InstanceConfig(priority: 100, version: 3, advertInterval: "0.1")
        config.nopreempt = true
        try lab.startKeepalived(0, config: config.text)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(3)))
        config.priority = 200
        try lab.startXDPHA(1, config: config.text)
        try await Task.sleep(for: .seconds(1))
        #expect(lab.holders(of: Self.vip) == [0], "\(lab.log(1))")
        #expect(lab.status(1)?.instances.first?.state == "BACKUP")
    }

    @Test("preempt_delay: a higher-priority xdpha preempts keepalived only after the delay")
    func preemptDelay() async throws {
        let lab = try VRRPInteropLab("ka-delay")
        defer { lab.tearDown() }
        var config = InstanceConfig(priority: 100, version: 3, advertInterval: "0.1")
        try lab.startKeepalived(0, config: config.text)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(3)))
        config.priority = 200
        config.preemptDelay = 2
        let started = ContinuousClock.now
        try lab.startXDPHA(1, config: config.text)
        try await Task.sleep(for: .seconds(1))
        #expect(lab.holders(of: Self.vip) == [0], "still keepalived's within the delay")
        #expect(await lab.waitForSoleHolder(1, of: Self.vip, within: .seconds(4)), "\(lab.log(1))")
        #expect(ContinuousClock.now - started >= .seconds(2))
    }
}

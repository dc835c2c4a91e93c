// use_vmac on a running `xdpha run` with Debian's keepalived as the backup: the VIPs live on a
// macvlan with the virtual router's MAC, the client learns that MAC for the VIP, keepalived
// hears our adverts, and a graceful stop hands the VIP over and removes the macvlan.
import Daemon
import Foundation
import NetLab
import Testing

@Suite("xdpha run: use_vmac", .serialized,
       .enabled(if: VRRPInteropLab.unavailableReason == nil, "\(VRRPInteropLab.unavailableReason ?? "")"))
struct VirtualMACLabTests {
    static let vip = "192.0.2.50"

    @Test("the VIP answers with 00:00:5e:00:01:VRID from vrrp.VRID; keepalived stays BACKUP, then takes over on stop")
    func virtualMACInteropsWithKeepalived() async throws {
        let lab = try VRRPInteropLab("vmac")
        defer { lab.tearDown() }
        let xdpha = InstanceConfig(priority: 150, version: 3, advertInterval: "0.1").text
            .replacingOccurrences(of: "    virtual_ipaddress {", with: "    use_vmac\n    virtual_ipaddress {")
        try lab.startXDPHA(0, config: xdpha)
        try lab.startKeepalived(1, config: InstanceConfig(priority: 100, version: 3, advertInterval: "0.1").text)

        func vmacLink() -> String {
            guard let result = try? lab.routers[0].run(["ip", "-o", "link", "show", "vrrp.51"], check: false), result.status == 0 else { return "" }
            return result.output
        }
        func vmacAddresses() -> String { (try? lab.routers[0].run(["ip", "-o", "addr", "show", "dev", "vrrp.51"], check: false).output) ?? "" }
        #expect(await lab.waitUntil(.seconds(5)) { vmacAddresses().contains(" \(Self.vip)/") }, "\(lab.log(0))")
        #expect(vmacLink().contains("00:00:5e:00:01:33"), "\(vmacLink())")
        #expect(!lab.holdsAddress(0, Self.vip), "the VIP is on the macvlan, not on eth0")
        // keepalived may have started a moment before our first advert; from then on it stays BACKUP.
        #expect(await lab.waitUntil(.seconds(3)) { !lab.holdsAddress(1, Self.vip) },
                "keepalived hears our adverts and stays BACKUP: \(lab.log(1))")

        #expect(lab.clientReaches(Self.vip))
        // A gratuitous ARP of keepalived's from such a moment is overridden by ours.
        func neighbourEntry() -> String { (try? lab.client.run(["ip", "neigh", "show", Self.vip]).output) ?? "" }
        _ = await lab.waitUntil(.seconds(2)) { neighbourEntry().contains("00:00:5e:00:01:33") }
        let neighbour = neighbourEntry()
        let macs = lab.routers.map { (try? $0.run(["ip", "-o", "link", "show", "eth0"]).output) ?? "" }
        #expect(neighbour.contains("00:00:5e:00:01:33"), "the client learnt the virtual MAC: \(neighbour) routers: \(macs) \(lab.log(0)) \(lab.log(1))")

        await lab.stop(0)
        #expect(await lab.waitForSoleHolder(1, of: Self.vip, within: .seconds(3)), "keepalived takes over: \(lab.log(1))")
        #expect(await lab.waitUntil(.seconds(2)) { !vmacLink().contains("vrrp.51") }, "the macvlan is gone: \(vmacLink())")
    }
}

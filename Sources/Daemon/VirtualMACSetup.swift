// use_vmac at start: the macvlan made (or found, after a restart) on the instance's interface,
// the VIPs that would have gone on that interface moved onto it, and ARP settings so that only
// the macvlan's MAC is ever tied to a VIP: the parent ignores ARP requests for addresses it
// does not hold itself (arp_ignore 1, arp_filter 1), and its own ARP requests name its own
// address, not a VIP (arp_announce 2: replies from a VIP may leave through the parent, whose
// route to the subnet comes first); the macvlan accepts asymmetric paths (accept_local 1,
// rp_filter 0).
import Foundation
import Logging
import Netlink

enum VirtualMACSetup {
    static func prepare(_ plan: inout RouterPlan, netlink: RouteNetlink, logger: Logger) async throws {
        guard var vmac = plan.virtualMAC else { return }
        let index = try await netlink.ensureVirtualMAC(named: vmac.name, parent: plan.ifindex, mac: vmac.mac)
        vmac.ifindex = index
        plan.virtualMAC = vmac
        plan.addresses = plan.addresses.map { vip in
            vip.ifindex == plan.ifindex
                ? RouterPlan.VirtualAddressAssignment(assignment: vip.assignment, ifindex: index, advertised: vip.advertised)
                : vip
        }
        for (interface, key, value) in [(plan.interfaceName, "arp_ignore", "1"), (plan.interfaceName, "arp_filter", "1"),
                                        (plan.interfaceName, "arp_announce", "2"),
                                        (vmac.name, "arp_ignore", "1"), (vmac.name, "accept_local", "1"),
                                        (vmac.name, "rp_filter", "0")] {
            let path = "/proc/sys/net/ipv4/conf/\(interface)/\(key)"
            do {
                try value.write(toFile: path, atomically: false, encoding: .utf8)
            } catch {
                logger.warning("use_vmac: cannot set \(path) to \(value): \(error)", metadata: ["instance": "\(plan.name)"])
            }
        }
        let transmit = vmac.transmitsOnBase ? "; adverts leave from \(plan.interfaceName)" : ""
        logger.info("use_vmac: \(vmac.name) (\(vmac.mac)) on \(plan.interfaceName) carries the VIPs\(transmit)",
                    metadata: ["instance": "\(plan.name)"])
    }
}

// One vrrp_instance made ready to run: the state machine's configuration plus what the I/O side
// needs (interface, source, peers, VIP assignments, GARP policy, notify scripts). Built from the
// parsed config and the host's facts; a plan that cannot be built names the reason.
import BPF
import Config
import Foundation
import Netlink
import VRRP

struct RouterPlan: Sendable {
    struct VirtualAddressAssignment: Sendable, Hashable {
        let assignment: AddressAssignment
        let ifindex: Int32
        /// In the adverts (virtual_ipaddress) or only configured (virtual_ipaddress_excluded).
        let advertised: Bool
    }

    struct AnnouncementPolicy: Sendable, Hashable {
        /// Gratuitous ARPs / NAs per burst (garp_master_repeat).
        var repeatCount: Int
        /// Refresh bursts while master (garp_master_refresh); nil: none.
        var refreshInterval: Duration?
        var refreshRepeat: Int
    }

    let name: String
    let interfaceName: String
    let ifindex: Int32
    let mac: MACAddress
    let configuration: VirtualRouterConfiguration
    /// Unicast peers; empty: the VRRP multicast group.
    let peers: [VRRP.IPAddress]
    var addresses: [VirtualAddressAssignment]
    let announcements: AnnouncementPolicy
    let notify: StateNotifications
    /// track_interface entries, the instance's and its sync group's: interface name and
    /// weight (0: down means FAULT).
    var trackedInterfaces: [String: Int]
    /// dont_track_primary: the instance's own interface going down is not a FAULT.
    var ignoresOwnInterface = false
    /// use_vmac: the macvlan that carries the virtual router's MAC and the VIPs.
    var virtualMAC: VirtualMACPlan?

    /// Where adverts leave: the virtual MAC interface (so their source MAC is the virtual one,
    /// RFC 5798 7.3) unless vmac_xmit_base, else the interface itself.
    var transmitIfindex: Int32 {
        guard let vmac = virtualMAC, !vmac.transmitsOnBase, let index = vmac.ifindex else { return ifindex }
        return index
    }

    /// Gratuitous ARPs and NAs announce the MAC the VIPs answer with, from the interface that has it.
    var announcement: (ifindex: Int32, mac: MACAddress) {
        guard let vmac = virtualMAC, let index = vmac.ifindex else { return (ifindex, mac) }
        return (index, vmac.mac)
    }
    /// Names of the sync group this instance belongs to, if any.
    var syncGroup: String?

    var family: IPFamily { configuration.family }

    /// What the XDP stage checks adverts against, for this instance's VRID (the state-dependent
    /// parts, master and Master_Down_Timer, are the runner's to add).
    var receptionConfig: VRRPReceptionConfig {
        var authentication = VRRPReceptionConfig.Authentication.none
        if case .simplePassword(let password) = configuration.authentication {
            authentication = .password(Array(password.field.prefix { $0 != 0 }))
        }
        return VRRPReceptionConfig(version: configuration.version.rawValue, authentication: authentication,
                                   handledAdverts: .drop)
    }
}

/// use_vmac for one instance: the macvlan's name and MAC (00:00:5e:00:01:VRID for IPv4,
/// 00:00:5e:00:02:VRID for IPv6, unless given), and its ifindex once the daemon made it.
struct VirtualMACPlan: Sendable, Hashable {
    let name: String
    let mac: MACAddress
    let transmitsOnBase: Bool
    var ifindex: Int32?

    init(_ setting: VirtualMAC, vrid: Int, family: IPFamily, transmitsOnBase: Bool) throws {
        name = setting.interfaceName ?? (family == .ipv4 ? "vrrp.\(vrid)" : "vrrp6.\(vrid)")
        guard name.utf8.count < 16 else { throw PlanError(description: "use_vmac name \(name) is longer than 15 bytes") }
        if let text = setting.macAddress {
            guard let parsed = MACAddress(text) else { throw PlanError(description: "use_vmac MAC \(text) is not a MAC address") }
            mac = parsed
        } else {
            mac = MACAddress(bytes: [0x00, 0x00, 0x5E, 0x00, family == .ipv4 ? 0x01 : 0x02, UInt8(vrid)])!
        }
        self.transmitsOnBase = transmitsOnBase
    }
}

struct PlanError: Error, CustomStringConvertible {
    let description: String
}

/// The facts of an interface the plan needs, read over netlink.
struct InterfaceFacts: Sendable {
    let ifindex: Int32
    let mac: MACAddress
    let primaryIPv4: InetAddress?
    let ipv6LinkLocal: InetAddress?
}

enum RouterPlanner {
    static func plan(_ instance: VRRPInstance, interface facts: InterfaceFacts, interfaceName: String,
                     ifindexOf: (String) -> Int32?) throws -> RouterPlan {
        let family: IPFamily = instance.family == .ipv4 ? .ipv4 : .ipv6
        guard instance.virtualRouterID >= 1, instance.virtualRouterID <= 255 else {
            throw PlanError(description: "\(instance.name): virtual_router_id \(instance.virtualRouterID) is outside 1...255")
        }
        guard let version = VRRPVersion(rawValue: UInt8(instance.version)) else {
            throw PlanError(description: "\(instance.name): VRRP version \(instance.version)")
        }
        let centiseconds = Int((instance.advertInterval * 100).rounded())
        guard let interval = AdvertInterval(centiseconds: centiseconds) else {
            throw PlanError(description: "\(instance.name): advert_int \(instance.advertInterval)")
        }

        let primary: VRRP.IPAddress
        if let source = instance.unicastSourceIP.flatMap(VRRP.IPAddress.init) {
            primary = source
        } else if instance.unicastPeers.isEmpty, let source = instance.multicastSourceIP.flatMap(VRRP.IPAddress.init) {
            // mcast_src_ip: the source of multicast adverts, instead of the interface's address.
            primary = source
        } else if family == .ipv4, let address = facts.primaryIPv4.flatMap(VRRP.IPAddress.init) {
            primary = address
        } else if family == .ipv6, let address = facts.ipv6LinkLocal.flatMap(VRRP.IPAddress.init) {
            primary = address
        } else {
            throw PlanError(description: "\(instance.name): \(interfaceName) has no \(family == .ipv4 ? "IPv4 address" : "IPv6 link-local address") to send adverts from")
        }

        var authentication = V2Authentication.none
        // VRRPv3 has no authentication: keepalived ignores the block there, and so does xdpha.
        if let auth = instance.authentication, instance.version == 2 {
            guard auth.type == .pass else {
                throw PlanError(description: "\(instance.name): auth_type AH is not supported (RFC 3768 removed it)")
            }
            guard let password = VRRPPassword(truncating: auth.password) else {
                throw PlanError(description: "\(instance.name): auth_pass is not a valid password")
            }
            authentication = .simplePassword(password)
        }

        var assignments: [RouterPlan.VirtualAddressAssignment] = []
        func assign(_ vip: VirtualAddress, advertised: Bool) throws {
            guard let address = InetAddress(vip.address) else {
                throw PlanError(description: "\(instance.name): address \(vip.address)")
            }
            let device = vip.device ?? interfaceName
            guard let ifindex = device == interfaceName ? facts.ifindex : ifindexOf(device) else {
                throw PlanError(description: "\(instance.name): interface \(device) of \(vip.address) does not exist")
            }
            let scope = vip.scope.flatMap(AddressScope.init(keepalivedName:)) ?? .global
            assignments.append(.init(
                assignment: AddressAssignment(address: address, prefixLength: UInt8(vip.prefixLength),
                                              label: vip.label, scope: scope,
                                              skipsDuplicateAddressDetection: address.family == .ipv6),
                ifindex: ifindex, advertised: advertised))
        }
        for vip in instance.virtualAddresses { try assign(vip, advertised: true) }
        for vip in instance.excludedVirtualAddresses { try assign(vip, advertised: false) }
        let advertisedAddresses = instance.virtualAddresses.compactMap { VRRP.IPAddress($0.address) }

        let configuration = VirtualRouterConfiguration(
            virtualRouterID: UInt8(instance.virtualRouterID), version: version,
            priority: UInt8(clamping: instance.priority), advertisementInterval: interval,
            primaryAddress: primary, virtualAddresses: advertisedAddresses,
            preemptMode: instance.preempt, preemptDelay: .milliseconds(Int(instance.preemptDelay * 1000)),
            acceptMode: instance.accept, authentication: authentication,
            checksAddressList: !instance.skipCheckAdvertAddress,
            reannounceDelay: instance.garp.masterDelay > 0 ? .seconds(instance.garp.masterDelay) : nil)
        do {
            try configuration.validate()
        } catch {
            throw PlanError(description: "\(instance.name): \(error)")
        }

        var tracked: [String: Int] = [:]
        for tracker in instance.trackInterfaces { tracked[tracker.name] = tracker.weight ?? 0 }

        return RouterPlan(
            name: instance.name, interfaceName: interfaceName, ifindex: facts.ifindex, mac: facts.mac,
            configuration: configuration,
            peers: instance.unicastPeers.compactMap { VRRP.IPAddress($0.address) },
            addresses: assignments,
            announcements: .init(repeatCount: max(1, instance.garp.masterRepeat),
                                 refreshInterval: instance.garp.masterRefresh > 0 ? .seconds(instance.garp.masterRefresh) : nil,
                                 refreshRepeat: max(1, instance.garp.masterRefreshRepeat)),
            notify: instance.notify, trackedInterfaces: tracked, ignoresOwnInterface: instance.dontTrackPrimary,
            virtualMAC: try instance.useVMAC.map { try VirtualMACPlan($0, vrid: instance.virtualRouterID, family: family,
                                                                      transmitsOnBase: instance.vmacTransmitBase) },
            syncGroup: nil)
    }
}

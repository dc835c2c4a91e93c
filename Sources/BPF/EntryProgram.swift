// The xdpha entry program (bpf/xdpha.c) as the control plane sees it: one loaded object, owned by
// an actor, handing out plain values only (fds, counter snapshots, test-run results).
import CBPF
import CXDPHA
import Foundation
import XDPObjects

/// The traffic classes of xdpha_traffic, named as in bpf/include/xdpha_maps.h.
public enum TrafficClass: Int, CaseIterable, Sendable, CustomStringConvertible {
    case all, ipv4, ipv6, arp, icmp, vrrp, tcp, udp, vlan, fragment, ipOptions, truncated, other

    /// The index into xdpha_traffic, taken from the shared header so the two sides cannot drift.
    public var mapIndex: UInt32 {
        let indices = [XDPHA_TRAFFIC_ALL, XDPHA_TRAFFIC_IPV4, XDPHA_TRAFFIC_IPV6, XDPHA_TRAFFIC_ARP,
                       XDPHA_TRAFFIC_ICMP, XDPHA_TRAFFIC_VRRP, XDPHA_TRAFFIC_TCP, XDPHA_TRAFFIC_UDP,
                       XDPHA_TRAFFIC_VLAN, XDPHA_TRAFFIC_FRAGMENT, XDPHA_TRAFFIC_IP_OPTIONS,
                       XDPHA_TRAFFIC_TRUNCATED, XDPHA_TRAFFIC_OTHER]
        return UInt32(indices[rawValue])
    }

    public var description: String {
        // Every case spelled out: String(describing: self) here would call this getter again.
        switch self {
        case .all: return "all"
        case .ipv4: return "ipv4"
        case .ipv6: return "ipv6"
        case .arp: return "arp"
        case .icmp: return "icmp"
        case .vrrp: return "vrrp"
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .vlan: return "vlan"
        case .fragment: return "fragment"
        case .ipOptions: return "ip-options"
        case .truncated: return "truncated"
        case .other: return "other"
        }
    }
}

public struct EntryProgramError: Error, CustomStringConvertible {
    public let description: String
}

public actor EntryProgram {
    public static let objectName = "xdpha"
    private let object: BPFObject
    private let entry: BPFProgram
    private let pass: BPFProgram
    private let floor: BPFProgram
    private let traffic: BPFMap
    /// Which stages run on which interface (xdpha_ifaces and its slots).
    let switches: InterfaceSwitches
    /// The DR stage's maps (EntryProgram+DR.swift).
    let dr: DRMaps

    // VRRP advert reception (VRRPReception.swift): its maps and event ring.
    let vrrpReception: VRRPReceptionMaps
    /// Readable (epoll) when VRRP events wait; valid while this program lives.
    public nonisolated let vrrpEventReadinessFD: Int32

    /// Loads the embedded object, or the one at `objectPath` (the --bpf-object override). With
    /// `pinDirectory` the maps are pinned there by name and reused when already pinned, so that
    /// the state (connection table, rings, counters) outlives this process and a later load
    /// continues with it (see BPFObject.init).
    public init(objectPath: String? = nil, pinDirectory: String? = nil) throws {
        let bytes: [UInt8]
        if let objectPath {
            guard let data = FileManager.default.contents(atPath: objectPath) else {
                throw EntryProgramError(description: "cannot read BPF object \(objectPath)")
            }
            bytes = [UInt8](data)
        } else {
            guard let embedded = EmbeddedBPF.object(named: EntryProgram.objectName) else {
                throw EntryProgramError(description: "no embedded BPF object named \(EntryProgram.objectName)")
            }
            bytes = embedded
        }
        object = try BPFObject(bytes: bytes, name: EntryProgram.objectName, pinDirectory: pinDirectory)
        entry = try object.program(named: "xdpha_entry")
        pass = try object.program(named: "xdpha_pass")
        floor = try object.program(named: "xdpha_floor")
        traffic = try object.map(named: "xdpha_traffic")
        switches = try InterfaceSwitches(object: object)
        vrrpReception = try VRRPReceptionMaps(object: object, switches: switches)
        vrrpEventReadinessFD = vrrpReception.events.readinessFD
        dr = try DRMaps(object: object)
    }

    public var entryFD: Int32 { entry.fd }
    public var passFD: Int32 { pass.fd }

    public func trafficCount(_ traffic: TrafficClass) throws -> UInt64 {
        try trafficCounts()[traffic] ?? 0
    }

    public func trafficCounts() throws -> [TrafficClass: UInt64] {
        // One struct xdpha_traffic_counts per CPU, at key 0.
        let perCPU = try traffic.perCPUValues(index: 0, valueSize: MemoryLayout<xdpha_traffic_counts>.size)
        var counts: [TrafficClass: UInt64] = [:]
        for traffic in TrafficClass.allCases {
            let offset = Int(traffic.mapIndex) * 8
            counts[traffic] = perCPU.reduce(0) { sum, bytes in
                sum &+ bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            }
        }
        return counts
    }
    public func testRunEntry(frame: [UInt8], ingressIfindex: UInt32? = nil) throws -> TestRunResult {
        try entry.testRun(frame: frame, ingressIfindex: ingressIfindex)
    }

    public func testRunFloor(frame: [UInt8]) throws -> TestRunResult {
        try floor.testRun(frame: frame)
    }

    public func testRunPass(frame: [UInt8]) throws -> TestRunResult {
        try pass.testRun(frame: frame)
    }
}

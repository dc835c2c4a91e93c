// How a real server is reached on the link: the interface the routing table sends its address
// through, the director's MAC there and the real's MAC from the kernel's neighbour table.
//
// The interface comes from a route lookup (`ip route get REAL`, RTM_GETROUTE), not from the
// configuration: a virtual server names no interface, and the route is what the kernel itself
// would use. A real that the route reaches through a gateway, or that is this host's own
// address, cannot be served by direct routing and stays unresolved with that reason. A real
// whose MAC the kernel does not hold yet is solicited (an ARP request or neighbour solicitation)
// and stays unresolved, taking no new flows, until the neighbour answers.
import Balancer
import BPF
import Netlink

/// What the controller knows about reaching one real server's address.
public enum RealLink: Hashable, Sendable {
    /// Ready: frames for the real can be rewritten and sent.
    case resolved(DRReal.Link)
    /// The route says `ifindex`, but the neighbour has not answered yet.
    case soliciting(ifindex: UInt32)
    /// Direct routing cannot reach it: the reason says why.
    case unreachable(String)

    public var link: DRReal.Link? {
        if case .resolved(let link) = self { return link }
        return nil
    }

    /// The interface the route names, resolved or not.
    public var ifindex: UInt32? {
        switch self {
        case .resolved(let link): return link.ifindex
        case .soliciting(let ifindex): return ifindex
        case .unreachable: return nil
        }
    }
}

/// Finds the links of real servers' addresses. The netlink implementation asks the kernel; tests
/// give fixed links.
public protocol RealLinkResolving: Sendable {
    /// The link of each address now. With `solicit`, addresses whose neighbour is unknown are
    /// solicited so that a later call may find them resolved.
    func links(of addresses: Set<Balancer.IPAddress>, solicit: Bool) async -> [Balancer.IPAddress: RealLink]
}

/// The kernel's answer, over rtnetlink in the network namespace the RouteNetlink was made in.
public struct NetlinkRealLinks: RealLinkResolving {
    let netlink: RouteNetlink

    public init(netlink: RouteNetlink) { self.netlink = netlink }

    public func links(of addresses: Set<Balancer.IPAddress>, solicit: Bool) async -> [Balancer.IPAddress: RealLink] {
        var result: [Balancer.IPAddress: RealLink] = [:]
        var directorMACs: [Int32: Netlink.MACAddress?] = [:]
        for address in addresses {
            result[address] = await link(of: address, solicit: solicit, directorMACs: &directorMACs)
        }
        return result
    }

    private func link(of address: Balancer.IPAddress, solicit: Bool,
                      directorMACs: inout [Int32: Netlink.MACAddress?]) async -> RealLink {
        guard let inet = InetAddress(bytes: address.bytes) else { return .unreachable("not an IP address") }
        let route: RouteLookup
        do {
            route = try await netlink.route(to: inet)
        } catch {
            return .unreachable("no route: \(error)")
        }
        switch route.kind {
        case .unicast: break
        case .local: return .unreachable("it is an address of this host")
        case .other(let type): return .unreachable("the route to it is of type \(type) (unreachable, blackhole or the like)")
        }
        if let gateway = route.gateway, gateway != inet {
            return .unreachable("it is reached through gateway \(gateway); direct routing needs it on a connected network")
        }
        guard route.ifindex > 0 else { return .unreachable("the route names no interface") }
        if directorMACs[route.ifindex] == nil {
            directorMACs[route.ifindex] = .some(try? await netlink.link(ifindex: route.ifindex).mac)
        }
        guard let directorMAC = directorMACs[route.ifindex] ?? nil else {
            return .unreachable("interface \(route.ifindex) has no Ethernet address")
        }
        if let mac = try? await netlink.resolvedMAC(of: inet, ifindex: route.ifindex) {
            return .resolved(DRReal.Link(destination: mac.bytes, source: directorMAC.bytes, ifindex: UInt32(route.ifindex)))
        }
        if solicit {
            try? await netlink.solicitNeighbour(inet, ifindex: route.ifindex)
        }
        return .soliciting(ifindex: UInt32(route.ifindex))
    }
}

/// Fixed links, for tests and for a caller that knows them.
public struct FixedRealLinks: RealLinkResolving {
    public var table: [Balancer.IPAddress: RealLink]

    public init(_ table: [Balancer.IPAddress: RealLink]) { self.table = table }

    public func links(of addresses: Set<Balancer.IPAddress>, solicit: Bool) async -> [Balancer.IPAddress: RealLink] {
        var result: [Balancer.IPAddress: RealLink] = [:]
        for address in addresses { result[address] = table[address] ?? .unreachable("no fixed link") }
        return result
    }
}

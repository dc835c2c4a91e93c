// The inverse of HealthPlan: the configuration as the data path should hold it now. Each virtual
// server keeps its options but its real servers become exactly its pool: a down real is gone, an
// inhibit_on_failure real stays at weight 0 (its established connections keep going, it takes no
// new ones), misc_dynamic / FILE_CHECK weights replace the written ones, and while quorum is lost
// the sorry server stands in for the pool. A virtual server with no pool known (yet) keeps its
// configured real servers.
import Config
import HealthCheck

public enum EffectiveConfig {
    /// `pools` is keyed by the names VirtualServerNames gives `config.virtualServers`.
    public static func make(_ config: KeepalivedConfig, pools: [String: [PoolMember]]) -> KeepalivedConfig {
        var effective = config
        let names = VirtualServerNames.names(of: config.virtualServers)
        for (index, name) in names.enumerated() {
            guard let pool = pools[name] else { continue }
            effective.virtualServers[index] = holding(pool, in: config.virtualServers[index])
        }
        return effective
    }

    static func holding(_ pool: [PoolMember], in server: VirtualServer) -> VirtualServer {
        var held = server
        var members: [Endpoint: PoolMember] = [:]
        for member in pool where !member.isSorryServer { members[member.endpoint] = member }
        held.realServers = server.realServers.compactMap { real in
            guard let member = members[VirtualServerNames.endpoint(of: real)] else { return nil }
            var kept = real
            kept.weight = member.weight
            return kept
        }
        if let sorry = server.sorryServer, let member = pool.first(where: \.isSorryServer) {
            var real = RealServer(address: sorry.address, port: member.endpoint.port)
            real.weight = member.weight
            real.forwardingMethod = sorry.forwardingMethod ?? server.forwardingMethod
            // The sorry server may also be one of the reals: one entry, at the larger weight.
            if let same = held.realServers.firstIndex(where: { $0.address == real.address && $0.port == real.port }) {
                held.realServers[same].weight = max(held.realServers[same].weight, real.weight)
            } else {
                held.realServers.append(real)
            }
        }
        // The sorry server is now an ordinary real of the pool (or absent): nothing more for the
        // data path to do about it.
        held.sorryServer = nil
        return held
    }
}

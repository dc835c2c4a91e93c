// The configuration the data path is handed: the virtual servers holding exactly the pools the
// checkers keep.
import Config
import HealthCheck
import ServiceHealth
import Testing

private let web = "192.0.2.50:80/TCP"

private func realsOf(_ config: KeepalivedConfig, _ index: Int = 0) -> [String] {
    config.virtualServers[index].realServers.map { "\($0.address):\($0.port ?? 0) w\($0.weight)" }
}

@Suite struct EffectiveConfigTests {
    let config = loaded("""
        virtual_server 192.0.2.50 80 {
            lvs_sched mh
            lb_kind DR
            protocol TCP
            sorry_server 192.0.2.99 8080
            real_server 192.0.2.11 80 {
                weight 3
                TCP_CHECK {
                }
            }
            real_server 192.0.2.12 80 {
                weight 2
                inhibit_on_failure
                TCP_CHECK {
                }
            }
            real_server 192.0.2.13 80 {
            }
        }
        virtual_server 192.0.2.51 80 {
            lvs_sched rr
            lb_kind DR
            protocol TCP
            real_server 192.0.2.21 80 {
                TCP_CHECK {
                }
            }
        }
        """)

    /// The pool the policy gives after these outcomes, one checker per real in order.
    func pool(after outcomes: [Int: CheckOutcome]) throws -> [PoolMember] {
        var health = VirtualServerHealth(try HealthPlan(config).services[0])
        _ = health.start()
        for (real, outcome) in outcomes {
            // retry 1 (TCP_CHECK's default): two failures in a row take a real down.
            for _ in 0..<2 { _ = health.record(real: real, checker: 0, outcome) }
        }
        return health.pool
    }

    @Test func withEveryRealUpTheConfigurationIsHeldAsWritten() throws {
        let effective = EffectiveConfig.make(config, pools: [web: try pool(after: [:])])
        #expect(realsOf(effective) == ["192.0.2.11:80 w3", "192.0.2.12:80 w2", "192.0.2.13:80 w1"])
        #expect(effective.virtualServers[0].sorryServer == nil, "the sorry server is not needed")
        #expect(effective.virtualServers[0].scheduler == "mh" && effective.virtualServers[0].forwardingMethod == .dr)
        // A virtual server whose pool is not known keeps its configured reals.
        #expect(realsOf(effective, 1) == ["192.0.2.21:80 w1"])
    }

    @Test func aDownRealLeavesAndAnInhibitedOneStaysAtWeightZero() throws {
        let effective = EffectiveConfig.make(config, pools: [web: try pool(after: [0: .down("refused"), 1: .down("refused")])])
        #expect(realsOf(effective) == ["192.0.2.12:80 w0", "192.0.2.13:80 w1"])
    }

    @Test func withQuorumLostTheSorryServerTakesThePool() throws {
        var lost = config
        lost.virtualServers[0].quorum = 5   // live weight 3 + 2 + 1 = 6; losing rs1 leaves 3
        var health = VirtualServerHealth(try HealthPlan(lost).services[0])
        _ = health.start()
        for _ in 0..<2 { _ = health.record(real: 0, checker: 0, .down("refused")) }
        let effective = EffectiveConfig.make(lost, pools: [web: health.pool])
        #expect(realsOf(effective) == ["192.0.2.99:8080 w1"])
        #expect(effective.virtualServers[0].realServers[0].forwardingMethod == .dr)
        #expect(effective.virtualServers[0].sorryServer == nil)
    }

    @Test func dynamicWeightsReplaceTheWrittenOnes() {
        let pool = [PoolMember(endpoint: Endpoint("192.0.2.11", 80), weight: 7),
                    PoolMember(endpoint: Endpoint("192.0.2.13", 80), weight: 1)]
        let effective = EffectiveConfig.make(config, pools: [web: pool])
        #expect(realsOf(effective) == ["192.0.2.11:80 w7", "192.0.2.13:80 w1"])
    }

    @Test func anEmptyPoolLeavesTheServiceWithoutReals() {
        let effective = EffectiveConfig.make(config, pools: [web: []])
        #expect(effective.virtualServers[0].realServers.isEmpty)
        #expect(effective.virtualServers.count == 2, "the service itself stays (no new flows are steered)")
    }
}

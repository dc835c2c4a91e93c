// On reload the checkers of a real whose checker configuration did not change go on from what
// they knew; a changed or new real starts afresh.
import Config
import HealthCheck
import ServiceHealth
import Testing

@Suite struct ReloadAdoptionTests {
    func services(_ realsText: String, quorum: Int = 1) throws -> VirtualServerHealthConfiguration {
        try HealthPlan(loaded("""
            virtual_server 192.0.2.50 80 {
                lvs_sched rr
                lb_kind DR
                protocol TCP
                quorum \(quorum)
                \(realsText)
            }
            """)).services[0]
    }

    @Test func unchangedRealsKeepTheirStateChangedOnesStartAfresh() throws {
        let before = try services("""
            real_server 192.0.2.11 80 { TCP_CHECK { } }
            real_server 192.0.2.12 80 { TCP_CHECK { } }
            real_server 192.0.2.13 80 { TCP_CHECK { } }
            """)
        var old = VirtualServerHealth(before)
        _ = old.start()
        for real in 0..<2 { for _ in 0..<2 { _ = old.record(real: real, checker: 0, .down("refused")) } }
        #expect(old.reals.map(\.isAlive) == [false, false, true])

        // rs1 unchanged (down stays down), rs2's checker changed (starts up again), rs3 unchanged
        // at another weight, rs4 new.
        var new = VirtualServerHealth(try services("""
            real_server 192.0.2.11 80 { TCP_CHECK { } }
            real_server 192.0.2.12 80 { TCP_CHECK { connect_port 8080 } }
            real_server 192.0.2.13 80 { weight 4
                TCP_CHECK { } }
            real_server 192.0.2.14 80 { TCP_CHECK { } }
            """))
        new.adopt(old)
        #expect(new.reals.map(\.isAlive) == [false, true, true, true])
        #expect(new.pool.map(\.endpoint.address) == ["192.0.2.12", "192.0.2.13", "192.0.2.14"])
        #expect(new.pool.first { $0.endpoint.address == "192.0.2.13" }?.weight == 4)
        // rs1 comes back after one success, as it would have without the reload.
        _ = new.start()
        let (changes, _) = new.record(real: 0, checker: 0, .up())
        #expect(changes.events.contains(.realServerUp(RealServerID(virtualServer: "192.0.2.50:80/TCP",
                                                                    endpoint: Endpoint("192.0.2.11", 80)), weight: 1)))
    }

    @Test func quorumStateCarriesOverWithItsHysteresis() throws {
        let reals = """
            real_server 192.0.2.11 80 { TCP_CHECK { } }
            real_server 192.0.2.12 80 { TCP_CHECK { } }
            """
        var old = VirtualServerHealth(try services(reals, quorum: 2))
        _ = old.start()
        for _ in 0..<2 { _ = old.record(real: 0, checker: 0, .down("refused")) }
        #expect(!old.quorumIsUp)
        var same = VirtualServerHealth(try services(reals, quorum: 2))
        same.adopt(old)
        #expect(!same.quorumIsUp, "still one live real of weight 1 below quorum 2")
        var lower = VirtualServerHealth(try services(reals, quorum: 1))
        lower.adopt(old)
        #expect(lower.quorumIsUp, "the reloaded quorum 1 is met by the live real")
    }
}

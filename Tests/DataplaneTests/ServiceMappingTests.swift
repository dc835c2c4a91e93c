// keepalived virtual_server blocks as the XDP DR path serves them, or refused with every reason.
import Balancer
import Config
import Dataplane
import Testing

private func mapping(_ text: String) throws -> ServiceMapping {
    let result = ConfigLoader().load(text: text)
    #expect(!result.hasErrors, "\(result.rendered())")
    return try ServiceMapping.map(result.config)
}

private func problems(_ text: String) -> [String] {
    let result = ConfigLoader().load(text: text)
    do {
        _ = try ServiceMapping.map(result.config)
        return []
    } catch {
        return error.placed(in: result.sources).problems.map(\.description)
    }
}

private let vip = Balancer.IPAddress("192.0.2.50")!

@Suite struct ServiceMappingTests {
    @Test func weightedMaglevWithPortHashingPersistenceAndWeights() throws {
        let result = try mapping("""
            virtual_server 192.0.2.50 80 {
                lvs_sched mh
                mh-port
                lb_kind DR
                protocol TCP
                persistence_timeout 300
                real_server 192.0.2.11 80 { weight 3 }
                real_server 192.0.2.12 80 { weight 2 }
                real_server 192.0.2.13 80 { weight 0 }
            }
            """)
        #expect(result.services.count == 1)
        let service = try #require(result.services.first)
        #expect(service.key == ServiceKey(address: vip, port: 80, transport: .tcp))
        #expect(service.scheduler == .maglev)
        #expect(service.hashFields == [.sourceAddress, .sourcePort])
        #expect(service.persistenceTimeout == 300)
        #expect(service.reals == [
            RealServer(address: Balancer.IPAddress("192.0.2.11")!, port: 80, weight: 3),
            RealServer(address: Balancer.IPAddress("192.0.2.12")!, port: 80, weight: 2),
            RealServer(address: Balancer.IPAddress("192.0.2.13")!, port: 80, weight: 0),
        ])
    }

    @Test func eachXDPSchedulerMapsToItsBalancerScheduler() throws {
        let expected: [(String, Scheduler, FlowFields)] = [
            ("rr", .roundRobin, []), ("wrr", .weightedRoundRobin, []), ("mh", .maglev, [.sourceAddress]),
            ("sh", .sourceHash, [.sourceAddress]), ("dh", .destinationHash, [.destinationAddress]),
        ]
        for (name, scheduler, fields) in expected {
            let service = try #require(try mapping("""
                virtual_server 192.0.2.50 53 {
                    lb_algo \(name)
                    lb_kind DR
                    protocol UDP
                    real_server 192.0.2.11 53 {}
                }
                """).services.first)
            #expect(service.scheduler == scheduler, "\(name)")
            #expect(service.hashFields == fields, "\(name)")
            #expect(service.key.transport == .udp)
        }
    }

    @Test func aBlockWithoutLvsSchedIsRefusedBecauseKeepalivedWouldUseWlc() {
        let found = problems("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(found.count == 1)
        #expect(found.first?.contains("no lvs_sched") == true)
        #expect(found.first?.contains("wlc") == true)
        #expect(found.first?.hasPrefix("keepalived.conf:1: virtual_server 192.0.2.50:80") == true)
    }

    @Test(arguments: ["wlc", "lc", "sed", "nq", "lblc", "fo", "ovf", "twos"])
    func schedulersTheXDPPathDoesNotImplementAreRefusedByName(_ name: String) {
        let found = problems("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched \(name)
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(found.count == 1)
        #expect(found.first?.contains("scheduler '\(name)' is not carried out by the XDP path") == true)
    }

    @Test func natTunnelFwmarkSCTPAndOpsAreRefusedAllAtOnce() {
        let found = problems("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched rr
                lb_kind NAT
                real_server 192.0.2.11 80 {}
            }
            virtual_server 192.0.2.51 80 {
                protocol TCP
                lvs_sched rr
                lb_kind TUN
                real_server 192.0.2.11 80 {}
            }
            virtual_server fwmark 7 {
                lvs_sched mh
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            virtual_server 192.0.2.52 5000 {
                lvs_sched mh
                lb_kind DR
                protocol SCTP
                real_server 192.0.2.11 5000 {}
            }
            virtual_server 192.0.2.53 53 {
                lvs_sched sh
                ops
                lb_kind DR
                protocol UDP
                real_server 192.0.2.11 53 {}
            }
            """)
        #expect(found.count == 5)
        #expect(found.contains { $0.contains("192.0.2.50:80") && $0.contains("lb_kind NAT") })
        #expect(found.contains { $0.contains("192.0.2.51:80") && $0.contains("lb_kind TUN") })
        #expect(found.contains { $0.contains("fwmark 7") && $0.contains("fwmark services need IPVS") })
        #expect(found.contains { $0.contains("SCTP") })
        #expect(found.contains { $0.contains("ops (one-packet scheduling)") })
    }

    @Test func aRealWithItsOwnNATMethodIsRefused() {
        let found = problems("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched mh
                lb_kind DR
                real_server 192.0.2.11 80 {}
                real_server 192.0.2.12 80 { lb_kind NAT }
            }
            """)
        #expect(found.count == 1)
        #expect(found.first?.contains("real_server 192.0.2.12:80 has lb_kind NAT") == true)
    }

    @Test func aSimpleGroupBecomesOneServicePerAddressAndPort() throws {
        let result = try mapping("""
            virtual_server_group web {
                192.0.2.50 80
                192.0.2.60-192.0.2.62 443
            }
            virtual_server group web {
                protocol TCP
                lvs_sched wrr
                lb_kind DR
                real_server 192.0.2.11 {}
            }
            """)
        let keys = result.services.map(\.key).sorted()
        #expect(keys.map(\.description) == ["TCP 192.0.2.50:80", "TCP 192.0.2.60:443", "TCP 192.0.2.61:443",
                                            "TCP 192.0.2.62:443"])
        // A group's reals take each entry's port (DR does not rewrite ports).
        #expect(result.services.allSatisfy { $0.reals.map(\.port) == [$0.key.port] })
    }

    @Test func aGroupWithAFwmarkOrANetworkIsRefused() {
        let found = problems("""
            virtual_server_group marks {
                fwmark 3
                192.0.2.0/28 80
            }
            virtual_server group marks {
                lvs_sched mh
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(found.count == 2)
        #expect(found.contains { $0.contains("fwmark entries need IPVS") })
        #expect(found.contains { $0.contains("is a network") })
    }

    @Test func theSameServiceTwiceIsRefused() {
        let found = problems("""
            virtual_server_group web {
                192.0.2.50 80
            }
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched mh
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            virtual_server group web {
                protocol TCP
                lvs_sched mh
                lb_kind DR
                real_server 192.0.2.12 80 {}
            }
            """)
        #expect(found.count == 1)
        #expect(found.first?.contains("TCP 192.0.2.50:80 is already served by virtual_server 192.0.2.50:80") == true)
    }

    @Test func whatIsAcceptedButNotActedOnIsNoted() throws {
        let result = try mapping("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched mh
                mh-fallback
                lb_kind DR
                sorry_server 192.0.2.99 80
                real_server 192.0.2.11 8080 {}
            }
            """)
        #expect(result.notes.count == 3)
        #expect(result.notes.contains { $0.contains("mh-fallback") })
        #expect(result.notes.contains { $0.contains("sorry_server") })
        #expect(result.notes.contains { $0.contains("does not rewrite ports") })
    }
}

// keepalived virtual_server blocks as the IPVS table keepalived itself would program, or refused
// with every reason and where it was written.
import Config
import Dataplane
import IPVS
import Testing

private func ipvsMapping(_ text: String) throws -> IPVSMapping {
    let result = ConfigLoader().load(text: text)
    #expect(!result.hasErrors, "\(result.rendered())")
    return try IPVSMapping.map(result.config)
}

private func ipvsProblems(_ text: String) -> [String] {
    let result = ConfigLoader().load(text: text)
    #expect(!result.hasErrors, "\(result.rendered())")
    do {
        _ = try IPVSMapping.map(result.config)
        return []
    } catch {
        return error.placed(in: result.sources).problems.map(\.description)
    }
}

private func address(_ text: String) -> IPVSAddress { IPVSAddress(text)! }

@Suite struct IPVSMappingTests {
    @Test func aWlcNATServiceWithWeightsThresholdsAndPersistenceIsWhatIpvsadmWouldBeTold() throws {
        let mapped = try ipvsMapping("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched wlc
                lb_kind NAT
                persistence_timeout 600
                persistence_granularity 255.255.255.0
                real_server 198.51.100.11 8080 { weight 3
                    uthreshold 100
                    lthreshold 10 }
                real_server 198.51.100.12 8080 { weight 0 }
            }
            """)
        let key = IPVSServiceKey.address(.tcp, address("192.0.2.50"), port: 80)
        #expect(mapped.state == IPVSState([IPVSVirtualServer(
            IPVSService(key, scheduler: "wlc", persistence: IPVSPersistence(timeout: 600, granularity: 24)),
            destinations: [
                IPVSDestination(address("198.51.100.11"), port: 8080, forwarding: .masquerade, weight: 3,
                                upperThreshold: 100, lowerThreshold: 10),
                IPVSDestination(address("198.51.100.12"), port: 8080, forwarding: .masquerade, weight: 0),
            ])]))
    }

    @Test func withoutLvsSchedTheSchedulerIsKeepalivedsDefaultWlc() throws {
        let mapped = try ipvsMapping("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(mapped.state.virtualServers.first?.service.scheduler == "wlc")
    }

    @Test func schedulerFlagsBecomeIPVSServiceFlags() throws {
        let expected: [(String, String, IPVSServiceOptions)] = [
            ("mh", "mh-port", .schedulerFlag2), ("mh", "mh-fallback", .schedulerFlag1),
            ("sh", "sh-port", .schedulerFlag2), ("sh", "sh-fallback", .schedulerFlag1),
            ("sh", "flag-1\n flag-2\n flag-3", [.schedulerFlag1, .schedulerFlag2, .schedulerFlag3]),
            ("rr", "ops", .onePacket),
        ]
        for (scheduler, flags, options) in expected {
            let service = try #require(try ipvsMapping("""
                virtual_server 192.0.2.50 53 {
                    protocol UDP
                    lvs_sched \(scheduler)
                    \(flags)
                    lb_kind DR
                    real_server 192.0.2.11 53 {}
                }
                """).state.virtualServers.first?.service)
            #expect(service.scheduler == scheduler)
            #expect(service.options == options, "\(flags)")
        }
    }

    @Test func aFlagOfAnotherSchedulerIsPassedOnWithANote() throws {
        let mapped = try ipvsMapping("""
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched wrr
                mh-port
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(mapped.state.virtualServers.first?.service.options == .schedulerFlag2)
        #expect(mapped.notes.contains { $0.contains("mh-port means nothing for scheduler wrr") })
    }

    @Test func directRoutingAndTunnelRealsReceiveTheServicePortPerReal() throws {
        let mapped = try ipvsMapping("""
            virtual_server 192.0.2.50 443 {
                protocol TCP
                lvs_sched rr
                lb_kind DR
                real_server 192.0.2.11 8443 {}
                real_server 192.0.2.12 443 { lb_kind TUN }
                real_server 192.0.2.13 8080 { lb_kind NAT }
            }
            """)
        let destinations = try #require(mapped.state.virtualServers.first?.destinations)
        #expect(destinations.map(\.port) == [443, 443, 8080])
        #expect(destinations.map(\.forwarding) == [.directRoute, .tunnel, .masquerade])
        #expect(mapped.notes.contains { $0.contains("real_server 192.0.2.11:8443") && $0.contains("receives port 443") })
    }

    @Test func fwmarkServicesTakeTheirRealsFamilyAndNoPorts() throws {
        let mapped = try ipvsMapping("""
            virtual_server fwmark 7 {
                lvs_sched lc
                lb_kind DR
                real_server 2001:db8::11 {}
                real_server 2001:db8::12 {}
            }
            """)
        let server = try #require(mapped.state.virtualServers.first)
        #expect(server.key == .firewallMark(7, family: .inet6))
        #expect(server.destinations.map(\.port) == [0, 0])
        #expect(server.service.scheduler == "lc")
    }

    @Test func aPersistentServiceWithoutAPortServesEveryPort() throws {
        let mapped = try ipvsMapping("""
            virtual_server 192.0.2.50 {
                protocol TCP
                lvs_sched sed
                lb_kind DR
                persistence_timeout
                real_server 192.0.2.11 {}
            }
            """)
        let server = try #require(mapped.state.virtualServers.first)
        #expect(server.key == .address(.tcp, address("192.0.2.50"), port: 0))
        #expect(server.service.persistence == IPVSPersistence(timeout: 360))
        #expect(server.destinations.map(\.port) == [0])
    }

    @Test func aGroupBecomesOneServicePerAddressOfItsRangesAndNetworksAndOnePerMark() throws {
        let mapped = try ipvsMapping("""
            virtual_server_group web {
                192.0.2.50 80
                192.0.2.60-62 443
                192.0.2.64/30 443
                fwmark 9
                2001:db8::50-52 80
            }
            virtual_server group web {
                protocol TCP
                lvs_sched nq
                lb_kind TUN
                real_server 203.0.113.11 {}
            }
            """)
        #expect(mapped.state.virtualServers.map(\.key.description) == [
            "TCP 192.0.2.50:80", "TCP 192.0.2.60:443", "TCP 192.0.2.61:443", "TCP 192.0.2.62:443",
            "TCP 192.0.2.64:443", "TCP 192.0.2.65:443", "TCP 192.0.2.66:443", "TCP 192.0.2.67:443",
            "FWM 9", "TCP [2001:db8::50]:80", "TCP [2001:db8::51]:80", "TCP [2001:db8::52]:80",
        ])
        // The IPv4 real of the IPv6 services is reached through a tunnel, which the kernel allows.
        #expect(mapped.state.virtualServers.allSatisfy { $0.destinations.count == 1 && $0.destinations[0].forwarding == .tunnel })
    }

    @Test func sctpAndUdpServicesKeepTheirProtocol() throws {
        let mapped = try ipvsMapping("""
            virtual_server 192.0.2.50 5000 {
                protocol SCTP
                lvs_sched rr
                lb_kind DR
                real_server 192.0.2.11 5000 {}
            }
            virtual_server 192.0.2.50 53 {
                protocol UDP
                lvs_sched rr
                lb_kind DR
                real_server 192.0.2.11 53 {}
            }
            """)
        #expect(mapped.state.virtualServers.map(\.key.description) == ["SCTP 192.0.2.50:5000", "UDP 192.0.2.50:53"])
    }

    @Test func whatIPVSCannotDoIsRefusedWithFileAndLine() {
        let found = ipvsProblems("""
            virtual_server_group marks {
                fwmark 3 inet6
            }
            virtual_server group marks {
                lvs_sched rr
                lb_kind DR
                real_server 192.0.2.11 {}
            }
            virtual_server 192.0.2.51 80 {
                protocol TCP
                lvs_sched rr
                lb_kind DR
                persistence_timeout 60
                persistence_granularity 255.0.255.0
                real_server 192.0.2.11 80 {}
            }
            virtual_server_group big {
                192.0.2.0/23 80
            }
            virtual_server group big {
                protocol TCP
                lvs_sched rr
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(found.count == 3, "\(found)")
        #expect(found.contains { $0.hasPrefix("keepalived.conf:7: virtual_server group marks: real_server 192.0.2.11 is IPv4 in an IPv6 service")
            && $0.contains("lb_kind TUN") })
        #expect(found.contains { $0.hasPrefix("keepalived.conf:14: virtual_server 192.0.2.51:80: persistence_granularity 255.0.255.0") })
        #expect(found.contains { $0.hasPrefix("keepalived.conf:18: virtual_server group big: virtual_server_group big: 192.0.2.0/23")
            && $0.contains("more than 256") })
    }

    @Test func twoBlocksNamingOneServiceAreRefused() {
        let found = ipvsProblems("""
            virtual_server_group web {
                192.0.2.50 80
            }
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched wlc
                lb_kind NAT
                real_server 192.0.2.11 80 {}
            }
            virtual_server group web {
                protocol TCP
                lvs_sched lc
                lb_kind NAT
                real_server 192.0.2.12 80 {}
            }
            """)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("TCP 192.0.2.50:80 is already served by virtual_server 192.0.2.50:80") == true)
    }

    @Test func noVirtualServersIsAnEmptyTable() throws {
        let mapped = try ipvsMapping("global_defs {\n router_id a\n}\n")
        #expect(mapped.state == .empty)
        #expect(!mapped.flushesTableAtStart)
    }

    @Test func lvsFlushAsksForTheWholeTableToBeEmptiedAtStart() throws {
        #expect(try ipvsMapping("global_defs {\n lvs_flush\n}\n").flushesTableAtStart)
    }
}

// keepalived.conf's virtual servers as the checkers run them: options, scripts, and checker
// timing with keepalived's inheritance (checker, then real server, then virtual server, then the
// checker type's default).
import Config
import HealthCheck
import ServiceHealth
import Testing

func loaded(_ text: String) -> KeepalivedConfig {
    let result = ConfigLoader().load(text: text)
    let failed = result.hasErrors
    #expect(!failed, "\(result.rendered())")
    return result.config
}

let site = """
    global_defs {
        script_user nobody
        enable_script_security
    }
    virtual_server 192.0.2.50 80 {
        lvs_sched mh
        lb_kind DR
        protocol TCP
        delay_loop 2
        retry 4
        quorum 3
        hysteresis 1
        quorum_up "/bin/quorum-up"
        quorum_down /bin/quorum-down
        sorry_server 192.0.2.99 8080
        sorry_server_inhibit
        inhibit_on_failure
        alpha
        omega
        real_server 192.0.2.11 80 {
            weight 3
            notify_up "/bin/up rs1"
            notify_down /bin/down
            connect_timeout 7
            HTTP_GET {
                url {
                    path /health
                    status_code 200 301-302
                }
                http_protocol 1.0C
                delay_before_retry 0.5
            }
            TCP_CHECK {
                connect_port 81
                retry 0
                delay_loop 1
            }
        }
        real_server 192.0.2.12 80 {
            weight 2
            inhibit_on_failure false
            MISC_CHECK {
                misc_path "/bin/check 192.0.2.12"
                misc_dynamic
                user nobody
            }
        }
        real_server 192.0.2.13 80 {
        }
    }
    virtual_server 192.0.2.51 53 {
        lvs_sched rr
        lb_kind DR
        real_server 192.0.2.11 53 {
            DNS_CHECK {
                type A
                name example.test
            }
            UDP_CHECK {
                payload 010203
                require_reply 01X2
            }
        }
    }
    """

@Suite struct HealthPlanTests {
    @Test func virtualServerOptionsAndScriptsReachTheCheckersPolicy() throws {
        let plan = try HealthPlan(loaded(site))
        #expect(plan.services.map(\.name) == ["192.0.2.50:80/TCP", "192.0.2.51:53/UDP"])
        let web = plan.services[0]
        #expect(web.quorum == 3 && web.hysteresis == 1)
        #expect(web.quorumUp == ScriptCommand("/bin/quorum-up"))
        #expect(web.quorumDown == ScriptCommand("/bin/quorum-down"))
        #expect(web.sorryServer == Endpoint("192.0.2.99", 8080))
        #expect(web.sorryServerInhibit && web.omega && web.inhibitOnFailure)
        #expect(web.reals.map(\.endpoint) == [Endpoint("192.0.2.11", 80), Endpoint("192.0.2.12", 80), Endpoint("192.0.2.13", 80)])
        #expect(web.reals.map(\.weight) == [3, 2, 1])
        // inhibit_on_failure is inherited unless the real says otherwise.
        #expect(web.reals.map(\.inhibitOnFailure) == [true, false, true])
        #expect(web.reals[0].notifyUp == ScriptCommand("/bin/up rs1"))
        #expect(web.reals[0].notifyDown == ScriptCommand("/bin/down"))
        // A real without checkers is kept: always alive, it counts for quorum as in keepalived.
        #expect(web.reals[2].checkers.isEmpty)
        #expect(plan.scriptPolicy == ScriptPolicy(defaultUser: "nobody", enforceSecurity: true))
    }

    @Test func checkerTimingIsInheritedCheckerThenRealThenVirtualServerThenTypeDefault() throws {
        let plan = try HealthPlan(loaded(site))
        let rs1 = plan.services[0].reals[0]
        let http = rs1.checkers[0].timing, tcp = rs1.checkers[1].timing
        // HTTP_GET: delay_loop and retry from the virtual server, connect_timeout from the real,
        // delay_before_retry its own, warmup = delay_loop; alpha from the virtual server.
        #expect(http == CheckTiming(delayLoop: .seconds(2), connectTimeout: .seconds(7), retry: 4,
                                    delayBeforeRetry: .milliseconds(500), warmup: .seconds(2), alpha: true))
        // TCP_CHECK: its own delay_loop and retry; delay_before_retry's TCP default (1 s).
        #expect(tcp == CheckTiming(delayLoop: .seconds(1), connectTimeout: .seconds(7), retry: 0,
                                   delayBeforeRetry: .seconds(1), warmup: .seconds(1), alpha: true))
        // HealthCheck's own resolution leaves those values as they are.
        let resolved = http.resolved(for: rs1.checkers[0].kind)
        #expect(resolved.delayLoop == .seconds(2) && resolved.retry == 4 && resolved.delayBeforeRetry == .milliseconds(500))
        let dns = plan.services[1].reals[0].checkers[0].timing
        // DNS_CHECK without any timing written: retry 3, delay_before_retry = delay_loop (60 s).
        #expect(dns.retry == 3 && dns.delayBeforeRetry == .seconds(60) && dns.delayLoop == .seconds(60))
        #expect(dns.alpha == false)
    }

    @Test func checkerKindsKeepTheirOptions() throws {
        let plan = try HealthPlan(loaded(site))
        let rs1 = plan.services[0].reals[0]
        guard case .http(let http) = rs1.checkers[0].kind else { Issue.record("\(rs1.checkers[0].kind)"); return }
        #expect(http.tls == nil && http.httpProtocol == .http10Close)
        #expect(http.urls.map(\.path) == ["/health"])
        #expect(http.urls[0].statusCodes.contains(200) && http.urls[0].statusCodes.contains(302))
        #expect(!http.urls[0].statusCodes.contains(204))
        #expect(rs1.checkers[1].kind == .tcp && rs1.checkers[1].connection.connectPort == 81)

        guard case .misc(let misc) = plan.services[0].reals[1].checkers[0].kind else { Issue.record("misc"); return }
        #expect(misc.script == ScriptCommand("/bin/check 192.0.2.12", user: "nobody"))
        #expect(misc.dynamic)
        #expect(misc.timeout == .seconds(2), "misc_timeout defaults to the checker's delay_loop")

        let dns = plan.services[1].reals[0].checkers
        #expect(dns[0].kind == .dns(DNSCheckOptions(type: .a, name: "example.test")))
        guard case .udp(let udp) = dns[1].kind else { Issue.record("udp"); return }
        #expect(udp.payload == [0x01, 0x02, 0x03])
        #expect(udp.requireReply?.matches([0x01, 0x72]) == true)
        #expect(udp.requireReply?.matches([0x02, 0x02]) == false)
    }

    @Test func sslGetAndSorryServerWithoutPort() throws {
        let plan = try HealthPlan(loaded("""
            virtual_server 192.0.2.50 443 {
                lvs_sched rr
                lb_kind DR
                protocol TCP
                sorry_server 192.0.2.99
                real_server 192.0.2.11 443 {
                    SSL_GET {
                        url {
                            path /
                        }
                        enable_sni
                    }
                }
            }
            """))
        #expect(plan.services[0].sorryServer == Endpoint("192.0.2.99", 443))
        guard case .http(let options) = plan.services[0].reals[0].checkers[0].kind else { Issue.record("ssl"); return }
        #expect(options.tls?.enableSNI == true)
        #expect(plan.services[0].reals[0].checkers[0].kind.keyword == "SSL_GET")
    }

    @Test func aFileCheckNamingNoTrackFileIsRefusedWithItsPlace() {
        var config = loaded("""
            virtual_server 192.0.2.50 80 {
                lvs_sched rr
                lb_kind DR
                protocol TCP
                real_server 192.0.2.11 80 {
                    TCP_CHECK {
                    }
                }
            }
            """)
        var file = Config.HealthChecker(type: .file)
        file.file?.trackFile = "missing"
        config.virtualServers[0].realServers[0].checkers.append(file)
        #expect(throws: HealthPlanError.self) { try HealthPlan(config) }
        do { _ = try HealthPlan(config) } catch {
            #expect(error.description.contains("192.0.2.50:80/TCP") && error.description.contains("track_file missing"))
        }
    }

    @Test func fileCheckReadsItsTrackFileWithTheCheckersWeightOverTheBlocks() throws {
        let plan = try HealthPlan(loaded("""
            track_file maintenance {
                file /run/maintenance
                weight 5 reverse
            }
            virtual_server 192.0.2.50 80 {
                lvs_sched rr
                lb_kind DR
                protocol TCP
                real_server 192.0.2.11 80 {
                    FILE_CHECK {
                        track_file maintenance
                    }
                    FILE_CHECK {
                        track_file maintenance
                        weight -3
                    }
                }
            }
            """))
        let checkers = plan.services[0].reals[0].checkers
        #expect(checkers[0].kind == .file(FileCheckOptions(path: "/run/maintenance", weight: 5, reverse: true)))
        #expect(checkers[1].kind == .file(FileCheckOptions(path: "/run/maintenance", weight: -3, reverse: false)))
    }

    @Test func identicalVirtualServerBlocksGetDistinctNames() {
        let config = loaded("""
            virtual_server 192.0.2.50 80 {
                lvs_sched rr
                protocol TCP
            }
            virtual_server fwmark 7 {
                lvs_sched rr
            }
            """)
        var twice = config
        twice.virtualServers.append(config.virtualServers[0])
        #expect(VirtualServerNames.names(of: twice.virtualServers) == ["192.0.2.50:80/TCP", "fwmark 7", "192.0.2.50:80/TCP #2"])
    }
}

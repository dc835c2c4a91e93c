// Which path serves each virtual_server under --dataplane auto, xdp and ipvs.
import Config
import Dataplane
import Testing

private let mixed = """
    virtual_server 192.0.2.50 80 {
        protocol TCP
        lvs_sched mh
        lb_kind DR
        real_server 192.0.2.11 80 {}
    }
    virtual_server 192.0.2.51 80 {
        protocol TCP
        lvs_sched wlc
        lb_kind DR
        real_server 192.0.2.11 80 {}
    }
    virtual_server 192.0.2.52 80 {
        protocol TCP
        lvs_sched rr
        lb_kind NAT
        real_server 192.0.2.11 8080 {}
    }
    virtual_server fwmark 5 {
        lvs_sched rr
        lb_kind DR
        real_server 192.0.2.11 {}
    }
    """

private func config(_ text: String) -> KeepalivedConfig {
    let result = ConfigLoader().load(text: text)
    #expect(!result.hasErrors, "\(result.rendered())")
    return result.config
}

@Suite struct DataPathSplitTests {
    @Test func autoSendsWhatXDPCarriesOutToXDPAndTheRestToIPVSWithXDPsReason() {
        let split = DataPathSplit.split(config(mixed), mode: .auto)
        #expect(split.xdp.virtualServers.map(\.service.description) == ["192.0.2.50:80"])
        #expect(split.ipvs.virtualServers.map(\.service.description) == ["192.0.2.51:80", "192.0.2.52:80", "fwmark 5"])
        let reasons = Dictionary(uniqueKeysWithValues: split.decisions.map { ($0.subject, $0.reason) })
        #expect(reasons["virtual_server 192.0.2.51:80"]?.contains("scheduler 'wlc' is not carried out by the XDP path") == true)
        #expect(reasons["virtual_server 192.0.2.52:80"]?.contains("lb_kind NAT") == true)
        #expect(reasons["virtual_server fwmark 5"]?.contains("fwmark services need IPVS") == true)
        #expect(split.decisions.first?.description == "virtual_server 192.0.2.50:80: XDP (scheduler mh, lb_kind DR)")
    }

    @Test func autoSendsEverythingToIPVSWhenXDPCannotBeUsed() {
        let split = DataPathSplit.split(config(mixed), mode: .auto, xdpUnavailable: "no BPF")
        #expect(split.xdp.virtualServers.isEmpty)
        #expect(split.ipvs.virtualServers.count == 4)
        #expect(split.decisions.allSatisfy { $0.path == .ipvs && $0.reason == "XDP cannot be used: no BPF" })
    }

    @Test func autoSendsServicesReachedThroughAnInterfaceXDPCannotSteerOnToIPVS() {
        let text = """
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched mh
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            virtual_server 198.51.100.50 80 {
                protocol TCP
                lvs_sched rr
                lb_kind DR
                real_server 198.51.100.11 80 {}
            }
            """
        // Reals of 192.0.2.0/24 are reached through ifindex 3, those of 198.51.100.0/24 through 4.
        let split = DataPathSplit.split(config(text), mode: .auto, unusableInterfaces: [4: "eth4: XDP cannot steer here: EBUSY"]) {
            $0.realServers.first?.address.bytes.first == 192 ? [3] : [4]
        }
        #expect(split.xdp.virtualServers.map(\.service.description) == ["192.0.2.50:80"])
        #expect(split.ipvs.virtualServers.map(\.service.description) == ["198.51.100.50:80"])
        #expect(split.decisions.last?.description == "virtual_server 198.51.100.50:80: IPVS (eth4: XDP cannot steer here: EBUSY)")
    }

    @Test func xdpAndIpvsModesSendEverythingOneWay() {
        let xdp = DataPathSplit.split(config(mixed), mode: .xdp)
        #expect(xdp.xdp.virtualServers.count == 4 && xdp.ipvs.virtualServers.isEmpty)
        // The XDP path then refuses what it cannot do, as before there was IPVS.
        #expect(throws: ServiceMappingError.self) { try ServiceMapping.map(xdp.xdp) }
        let ipvs = DataPathSplit.split(config(mixed), mode: .ipvs)
        #expect(ipvs.ipvs.virtualServers.count == 4 && ipvs.xdp.virtualServers.isEmpty)
        #expect((try? IPVSMapping.map(ipvs.ipvs))?.state.virtualServers.count == 4)
    }

    @Test func groupsStayAvailableToBothHalves() {
        let split = DataPathSplit.split(config("""
            virtual_server_group web {
                192.0.2.50 80
            }
            virtual_server group web {
                protocol TCP
                lvs_sched lc
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """), mode: .auto)
        #expect(split.ipvs.virtualServers.count == 1)
        #expect((try? IPVSMapping.map(split.ipvs))?.state.virtualServers.map(\.key.description) == ["TCP 192.0.2.50:80"])
    }
}

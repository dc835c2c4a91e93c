// Turning a vrrp_instance into what the runner needs: the advert source and the link rules.
import Config
@testable import Daemon
import Netlink
import Testing
import VRRP

@Suite struct RouterPlannerTests {
    private let facts = InterfaceFacts(ifindex: 7, mac: MACAddress("02:00:00:00:00:01")!,
                                       primaryIPv4: InetAddress("192.0.2.1"), ipv6LinkLocal: nil)

    private func plan(_ body: String) throws -> RouterPlan {
        let result = ConfigLoader().load(text: """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
            \(body)
                virtual_ipaddress {
                    192.0.2.50/24
                }
            }
            """)
        let failed = result.hasErrors
        #expect(!failed, "\(result.rendered())")
        let instance = try #require(result.config.vrrpInstances.first)
        return try RouterPlanner.plan(instance, interface: facts, interfaceName: "eth0", ifindexOf: { _ in nil })
    }

    @Test("adverts leave from the interface's address, from mcast_src_ip when set, from unicast_src_ip when unicast")
    func advertSource() throws {
        #expect(try plan("").configuration.primaryAddress.description == "192.0.2.1")
        #expect(try plan("    mcast_src_ip 192.0.2.9").configuration.primaryAddress.description == "192.0.2.9")
        let unicast = try plan("    mcast_src_ip 192.0.2.9\n    unicast_src_ip 192.0.2.8\n    unicast_peer {\n        192.0.2.2\n    }")
        #expect(unicast.configuration.primaryAddress.description == "192.0.2.8")
    }

    @Test("auth_pass: keepalived's first 8 bytes of a longer password; VRRPv3 ignores the block, as keepalived does")
    func authentication() throws {
        let pass = "    authentication {\n        auth_type PASS\n        auth_pass 0123456789\n    }"
        let v2 = try plan(pass).configuration
        #expect(v2.authentication == .simplePassword(VRRPPassword("01234567")!))
        let v3 = try plan("    version 3\n" + pass).configuration
        #expect(v3.version == .v3 && v3.authentication == .none)
    }

    @Test("dont_track_primary: the instance's own link going down is not a FAULT")
    func dontTrackPrimary() throws {
        #expect(try plan("").ignoresOwnInterface == false)
        #expect(try plan("    dont_track_primary").ignoresOwnInterface == true)
    }
}

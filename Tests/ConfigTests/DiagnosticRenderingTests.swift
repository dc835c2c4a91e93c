// The clang format: header, the source line, a caret and tildes under the token (tabs kept).
import Testing
@testable import Config

@Suite struct DiagnosticRenderingTests {
    @Test func caretUnderTheToken() {
        let result = load("vrrp_instance V {\n\tinterface eth0\n\tvirtual_router_id 300\n\tvirtual_ipaddress { 192.0.2.1 }\n}\n")
        let text = result.rendered()
        #expect(text.hasPrefix("""
            test.conf:3:20: error: 'virtual_router_id' must be between 1 and 255; got 300
            \tvirtual_router_id 300
            \t                  ^~~

            """))
    }

    @Test func notesFollowTheirError() {
        let result = load("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 192.0.2.1 }\n}\n}\n")
        #expect(result.rendered() == """
            test.conf:6:1: error: unexpected '}': no block is open here
            }
            ^
            test.conf:5:1: note: the last block, 'vrrp_instance V', was closed here
            }
            ^
            test.conf:1:1: note: 'vrrp_instance V' starts here
            vrrp_instance V {
            ^~~~~~~~~~~~~

            """)
    }

    @Test func suggestionsUseEditDistance() {
        #expect(Suggestions.closest(to: "priorty", among: ["priority", "state"]) == "priority")
        #expect(Suggestions.closest(to: "virtual_ipadress", among: ["virtual_ipaddress", "virtual_routes"]) == "virtual_ipaddress")
        #expect(Suggestions.closest(to: "zzz", among: ["priority", "state"]) == nil)
        #expect(Suggestions.editDistance(Array("ab".utf8), Array("ba".utf8)) == 1)
    }
}

// Braces: where keepalived lets them stand, and what is reported when one is missing or extra.
import Testing
@testable import Config

@Suite struct BlockTreeTests {
    @Test func braceOnTheNextLineOpensTheBlockOfThePreviousLine() {
        let result = load("global_defs\n\n{\n router_id r1\n}\n")
        #expect(!result.hasErrors)
        #expect(result.config.global.routerID == "r1")
    }

    @Test func inlineBlocksAndStatementsAfterABrace() {
        let result = load("vrrp_instance V { interface eth0\n virtual_router_id 3 virtual_ipaddress { 192.0.2.3 } }\n")
        // `virtual_router_id 3 virtual_ipaddress` is one statement: keepalived reads a line at a time.
        // and the `{` then belongs to that whole line, which cannot take a block.
        #expect(result.errors.map(\.message) == ["'virtual_router_id' does not take a block"])
        let fine = load("vrrp_instance V { interface eth0\n virtual_router_id 3\n virtual_ipaddress { 192.0.2.3 } }\n")
        #expect(!fine.hasErrors, "\(fine.rendered())")
        #expect(fine.config.vrrpInstances[0].virtualAddresses.count == 1)
    }

    @Test func openBraceWithoutKeyword() {
        #expect(headers("{\n}\n") == ["test.conf:1:1: error: '{' does not follow a keyword"])
    }

    @Test func misplacedKeywordWithBalancedBracesIsNotAMissingBrace() {
        let text = "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n authentication {\n  priority 5\n }\n virtual_ipaddress { 192.0.2.1 }\n}\n"
        #expect(headers(text) == ["test.conf:5:3: error: 'priority' is not valid in 'authentication'; it belongs in 'vrrp_instance'"])
    }

    @Test func missingBraceInsideNestedBlocksRecovers() {
        let text = """
        virtual_server 192.0.2.1 80 {
            protocol TCP
            real_server 198.51.100.1 80 {
                TCP_CHECK {
                    connect_timeout 3
            }
            real_server 198.51.100.2 80 {
            }
        }
        """
        let result = load(text)
        #expect(Corpus.headers(result) == [
            "test.conf:3:5: error: 'real_server 198.51.100.1' is missing its closing '}'",
            "test.conf:7:5: note: 'real_server' belongs to 'virtual_server 192.0.2.1', so the block must end before it",
        ])
        #expect(result.config.virtualServers[0].realServers.count == 2)
    }

    @Test func deepNestingIsBounded() {
        let text = String(repeating: "a {\n", count: 200) + String(repeating: "}\n", count: 200)
        let result = load(text)
        #expect(result.errors.map(\.message).contains("blocks are nested more than 64 deep"))
    }
}

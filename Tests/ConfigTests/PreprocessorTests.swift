// keepalived's line preprocessing: conditional lines, parameters, multi-line definitions,
// sequences and includes (read through an in-memory file system).
import Testing
@testable import Config

@Suite struct PreprocessorTests {
    private func routerID(_ text: String, configID: String?) -> String? {
        load(text, options: LoadOptions(configID: configID)).config.global.routerID
    }

    @Test func conditionalLinesFollowTheConfigID() {
        let text = """
        global_defs {
            @main router_id main_router
            @backup router_id backup_router
        }
        """
        #expect(routerID(text, configID: "main") == "main_router")
        #expect(routerID(text, configID: "backup") == "backup_router")
        #expect(routerID(text, configID: "other") == nil)
        #expect(routerID(text, configID: nil) == nil)
    }

    @Test func negatedConditionalAppliesToEveryOtherID() {
        let text = """
        vrrp_instance V { interface eth0
            virtual_router_id 1
            virtual_ipaddress { 192.0.2.1 }
            unicast_peer {
                @^main 192.0.2.10
                @^backup 192.0.2.11
            }
        }
        """
        let peers = load(text, options: LoadOptions(configID: "main")).config.vrrpInstances[0].unicastPeers.map(\.address.description)
        #expect(peers == ["192.0.2.11"])
    }

    @Test func parametersAreReplacedWhenUsedNotWhenDefined() {
        // keepalived.conf(5): substitution happens at replacement time.
        let text = """
        $ADDRESS_BASE=192.0.${ADDRESS_BASE_SUB}
        $ADDRESS_BASE_SUB=2
        vrrp_instance V { interface eth0
            virtual_router_id 1
            virtual_ipaddress {
                ${ADDRESS_BASE}.100/32
        $ADDRESS_BASE_SUB=3
                ${ADDRESS_BASE}.100/32
            }
        }
        """
        let result = load(text)
        #expect(!result.hasErrors, "\(result.rendered())")
        #expect(result.config.vrrpInstances[0].virtualAddresses.map(\.address.description) == ["192.0.2.100", "192.0.3.100"])
    }

    @Test func bareParameterNeedsWhitespaceAfterIt() {
        let result = load("$P=150\nglobal_defs {\n router_id $Px\n}\n")
        #expect(result.config.global.routerID == "$Px")
        #expect(load("$P=150\nglobal_defs {\n router_id $P\n}\n").config.global.routerID == "150")
    }

    @Test func conditionalDefinitionsCombine() {
        let text = "@main $PRIORITY=240\n@backup $PRIORITY=200\nvrrp_instance V { interface eth0\n virtual_router_id 1\n priority $PRIORITY\n virtual_ipaddress { 192.0.2.1 }\n}\n"
        #expect(load(text, options: LoadOptions(configID: "backup")).config.vrrpInstances[0].priority == 200)
        #expect(load(text, options: LoadOptions(configID: "main")).config.vrrpInstances[0].priority == 240)
    }

    @Test func substitutedLocationsPointAtTheReference() {
        let result = load("$P=999\nvrrp_instance V { interface eth0\n virtual_router_id 1\n priority $P\n virtual_ipaddress { 192.0.2.1 }\n}\n")
        #expect(Corpus.headers(result).first == "test.conf:4:11: error: 'priority' must be between 1 and 255 (255 only for the address owner); got 999")
    }

    @Test func recursiveParameterIsAnErrorNotAHang() {
        let result = load("$A=$B\n$B=$A\nglobal_defs {\n router_id $A\n}\n")
        #expect(result.errors.map(\.message) == ["parameter '$A' expands into itself (more than 32 nested substitutions)"])
    }

    @Test func sequenceAndListExpand() {
        let text = """
        vrrp_instance V { interface eth0
            virtual_router_id 1
            virtual_ipaddress {
                ~SEQ(N, 1, 2, 5) 192.0.2.${N}
                ~SEQx(H, 0x9, 0xa) 2001:db8::${H}
                ~LST({A, B}, {10, 1}, {20, 2}) 198.51.${A}.${B}
            }
        }
        """
        let addresses = load(text).config.vrrpInstances[0].virtualAddresses.map(\.address.description)
        #expect(addresses == ["192.0.2.1", "192.0.2.3", "192.0.2.5", "2001:db8::9", "2001:db8::a", "198.51.10.1", "198.51.20.2"])
    }

    @Test func hugeSequenceIsRefused() {
        let result = load("global_defs {\n~SEQ(N, 1, 100000000) router_id x${N}\n}\n")
        #expect(result.errors.map(\.message) == ["sequence produces more than 100000 lines"])
    }

    @Test func hashAndBangParametersAreNotComments() {
        let result = load("global_defs {\n router_id a${_HASH}b${_BANG}c\n}\n")
        #expect(result.config.global.routerID == "a#b!c")
    }

    @Test func includeIsRelativeToTheIncludingFile() {
        let files = [
            "etc/keepalived.conf": "include conf.d/*.conf\n",
            "etc/conf.d/b.conf": "global_defs {\n include ../ids/id.conf\n}\n",
            "etc/conf.d/a.conf": "vrrp_script chk { script /bin/true\n}\n",
            "etc/ids/id.conf": "router_id from_include\n",
        ]
        let result = ConfigLoader(fileSystem: InMemoryFileSystem(files)).load(path: "etc/keepalived.conf")
        #expect(!result.hasErrors, "\(result.rendered())")
        #expect(result.config.global.routerID == "from_include")
        #expect(result.config.vrrpScripts.map(\.name) == ["chk"])
        // Files in glob order: a.conf before b.conf.
        #expect(result.sources.files.map(\.path) == ["etc/keepalived.conf", "etc/conf.d/a.conf", "etc/conf.d/b.conf", "etc/ids/id.conf"])
    }

    @Test func includeCycleIsReportedOnce() {
        let files = ["a.conf": "include b.conf\n", "b.conf": "include ./a.conf\n"]
        let result = ConfigLoader(fileSystem: InMemoryFileSystem(files)).load(path: "a.conf")
        #expect(Corpus.headers(result) == ["b.conf:1:9: error: include cycle: a.conf -> b.conf -> a.conf"])
    }

    @Test func diagnosticsInIncludedFilesNameThatFile() {
        let files = ["main.conf": "include sub/x.conf\n", "sub/x.conf": "global_defs {\n  vrrp_version 4\n}\n"]
        let result = ConfigLoader(fileSystem: InMemoryFileSystem(files)).load(path: "main.conf")
        #expect(Corpus.headers(result) == ["sub/x.conf:2:16: error: 'vrrp_version' must be between 2 and 3; got 4"])
    }

    @Test func missingRootFileIsAnErrorWithoutLocation() {
        let result = ConfigLoader(fileSystem: InMemoryFileSystem()).load(path: "/etc/keepalived/none.conf")
        #expect(Corpus.headers(result) == ["/etc/keepalived/none.conf: error: cannot open '/etc/keepalived/none.conf': no such file"])
    }
}

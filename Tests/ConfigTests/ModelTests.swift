// What the common real-world shapes turn into: the typed model with keepalived's defaults,
// inheritance from global_defs and from virtual to real server to checker, and the JSON dump.
import Foundation
import Testing
@testable import Config

@Suite struct ModelTests {
    @Test func masterBackupPair() throws {
        let master = Corpus.load("valid/vrrp-master.conf").config
        let backup = Corpus.load("valid/vrrp-backup.conf").config
        let a = try #require(master.vrrpInstances.first), b = try #require(backup.vrrpInstances.first)
        #expect(a.state == .master && b.state == .backup)
        #expect(a.virtualRouterID == 51 && b.virtualRouterID == 51)
        #expect(a.priority == 150 && b.priority == 100)
        #expect(a.preempt && !b.preempt)
        #expect(a.authentication == b.authentication)
        #expect(a.authentication?.type == .pass && a.authentication?.password == "s3cret")
        #expect(a.virtualAddresses.map(\.address) == b.virtualAddresses.map(\.address))
        #expect(a.virtualAddresses[0].prefixLength == 24 && a.virtualAddresses[0].label == "eth0:vip")
        #expect(a.virtualAddresses[1].device == "eth0", "a VIP without dev goes on the instance's interface")
        #expect(a.trackScripts.map(\.name) == ["chk_haproxy"] && a.trackScripts[0].weight == nil)
        #expect(b.trackScripts[0].weight == -30)
        #expect(a.notify.master?.command == "/etc/keepalived/notify.sh master")
        #expect(b.notify.stop == NotifyScript(command: "/etc/keepalived/stop.sh", user: "root", group: "root"))
        #expect(master.global.notificationEmail == ["ops@example.com", "oncall@example.com"])
        #expect(master.global.smtpServer == SMTPServer(host: "192.0.2.25", port: 25))
        #expect(master.vrrpScripts[0].script == "/usr/bin/killall -0 haproxy")
        #expect(backup.vrrpScripts[0].script == "/usr/bin/killall -0 haproxy", "unquoted arguments join into one command")
        #expect(backup.vrrpScripts[0].timeout == 2, "timeout defaults to the interval")
    }

    @Test func keepalivedDefaults() throws {
        let config = load("vrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress { 192.0.2.9 }\n}\n").config
        let instance = try #require(config.vrrpInstances.first)
        #expect(instance.state == .backup)
        #expect(instance.priority == 100)
        #expect(instance.advertInterval == 1)
        #expect(instance.version == 2)
        #expect(instance.preempt && instance.accept)
        #expect(instance.garp.masterDelay == 5 && instance.garp.masterRepeat == 5)
        #expect(instance.garp.masterRefresh == 0 && instance.garp.masterRefreshRepeat == 1)
        #expect(instance.downTimerAdverts == 3)
        #expect(config.global.vrrpMulticastGroup4.description == "224.0.0.18")
        #expect(config.global.smtpConnectTimeout == 30)
    }

    /// keepalived derives an unset priority from the state and an unset state from the priority.
    @Test func priorityAndStateDefaultFromEachOther() throws {
        func instance(_ lines: String) throws -> VRRPInstance {
            let result = load("vrrp_instance V {\n interface eth0\n virtual_router_id 9\n\(lines) virtual_ipaddress { 192.0.2.9 }\n}\n")
            #expect(!result.hasErrors, "\(result.rendered())")
            return try #require(result.config.vrrpInstances.first)
        }
        let master = try instance(" state MASTER\n")
        #expect(master.priority == 255 && master.state == .master, "state MASTER alone is the address owner")
        let owner = try instance(" priority 255\n")
        #expect(owner.state == .master, "priority 255 alone starts as MASTER")
        let written = try instance(" state MASTER\n priority 150\n")
        #expect(written.priority == 150 && written.state == .master)
        let backup = try instance(" state BACKUP\n")
        #expect(backup.priority == 100 && backup.state == .backup)
        let ownerWithoutPreempt = try instance(" priority 255\n nopreempt\n")
        #expect(ownerWithoutPreempt.preempt, "keepalived resets nopreempt for the address owner and runs it")
        #expect(try !instance(" priority 200\n nopreempt\n").preempt)
        #expect(headers("vrrp_instance V {\n state MASTER\n interface eth0\n virtual_router_id 9\n virtual_ipaddress { 192.0.2.9 }\n}\n")
                == ["test.conf:2:8: note: 'state MASTER' without a 'priority' gives priority 255, as in keepalived: 'V' is the"
                    + " address owner, becomes MASTER at once and trackers cannot lower its priority"])
    }

    /// The count byte of an advert: 255 addresses at most, and the rest must be excluded.
    @Test func anAdvertCarriesAtMost255Addresses() {
        func text(_ count: Int, excluded: Int = 0) -> String {
            let vips = (0..<count).map { " 198.51.\(100 + $0 / 250).\($0 % 250 + 1)\n" }.joined()
            let rest = (0..<excluded).map { " 203.0.113.\($0 % 250 + 1)\n" }.joined()
            return "vrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n\(vips) }\n"
                + " virtual_ipaddress_excluded {\n\(rest) }\n}\n"
        }
        #expect(!load(text(255, excluded: 10)).hasErrors)
        #expect(headers(text(256)) == ["test.conf:260:2: error: vrrp_instance 'V' has 256 virtual_ipaddress entries; an advert carries"
                                       + " at most 255 (put the others in virtual_ipaddress_excluded)"])
        #expect(headers("vrrp_instance V {\n interface eth0\n virtual_router_id 9\n use_vmac vrrp.9 02:00:5e:00:01:9\n"
                        + " virtual_ipaddress { 192.0.2.9 }\n}\n")
                == ["test.conf:4:18: error: 'use_vmac' needs a MAC address of six hexadecimal bytes such as 00:00:5e:00:01:33; got '02:00:5e:00:01:9'"])
    }

    @Test func globalDefaultsReachInstances() throws {
        let config = Corpus.load("valid/global-all.conf").config
        let instance = try #require(config.vrrpInstances.first)
        #expect(instance.garp.masterDelay == 10 && instance.garp.masterRepeat == 3)
        #expect(instance.garp.lowerPriorityDelay == 8 && instance.garp.masterRefresh == 60)
        #expect(instance.downTimerAdverts == 4)
        #expect(instance.checkUnicastSource && instance.skipCheckAdvertAddress)
        #expect(config.global.smtpServer == SMTPServer(host: "mail.example.com", port: 587))
        #expect(config.global.scriptUser == ScriptUser(user: "keepalived_script", group: "keepalived"))
        #expect(config.global.dynamicInterfaces && config.global.lvsFlush)
        #expect(!config.global.checkerLogAllFailures && config.global.smtpAlert)
    }

    @Test func lowerPriorityGARPDefaultsToTheMasterValues() {
        let global = load("global_defs {\n vrrp_garp_master_delay 7\n vrrp_garp_master_repeat 2\n}\n").config.global
        #expect(global.garp.lowerPriorityDelay == 7 && global.garp.lowerPriorityRepeat == 2)
    }

    @Test func strictModeTurnsAcceptOffBelowTheOwner() throws {
        let owner = try #require(Corpus.load("valid/strict.conf").config.vrrpInstances.first)
        #expect(owner.strictMode && owner.accept, "the address owner keeps accept mode")
        let text = "global_defs { vrrp_strict }\nvrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress { 192.0.2.9 }\n}\n"
        let backup = try #require(load(text).config.vrrpInstances.first)
        #expect(backup.strictMode && !backup.accept && backup.lowerPriorityNoAdvert)
    }

    @Test func ipv6InstancesUseVRRPv3() throws {
        let config = Corpus.load("valid/ipv6.conf").config
        let instance = try #require(config.vrrpInstances.first)
        #expect(instance.family == .ipv6 && instance.version == 3)
        #expect(instance.advertInterval == 0.25)
        #expect(instance.excludedVirtualAddresses.map(\.address.description) == ["192.0.2.60"])
        #expect(config.virtualServers[0].service.address?.family == .ipv6)
        // Without a global vrrp_version, an IPv6 instance still resolves to version 3.
        let plain = load("vrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress { 2001:db8::9 }\n}\n")
        #expect(!plain.hasErrors && plain.config.vrrpInstances[0].version == 3)
    }

    @Test func lvsDirectRouting() throws {
        let server = try #require(Corpus.load("valid/lvs-dr-wrr.conf").config.virtualServers.first)
        #expect(server.service == .endpoint(IPAddress("203.0.113.10")!, 443))
        #expect(server.scheduler == "wrr" && server.forwardingMethod == .dr)
        #expect(server.persistenceTimeout == 300 && server.protocol == .tcp)
        #expect(server.realServers.map(\.weight) == [3, 1])
        #expect(server.realServers.allSatisfy { $0.forwardingMethod == .dr }, "real servers inherit lb_kind")
        let first = server.realServers[0].checkers[0]
        #expect(first.type == .tcp)
        #expect(first.timing.connectTimeout == 3 && first.timing.retry == 2 && first.timing.delayBeforeRetry == 2)
        #expect(first.timing.delayLoop == 6 && first.timing.warmup == 6)
        let second = server.realServers[1].checkers[0]
        #expect(second.connectPort == 443 && second.timing.retry == 1 && second.timing.delayBeforeRetry == 1)
    }

    @Test func checkerTimingInheritsFromVirtualThenRealServer() throws {
        let server = try #require(Corpus.load("valid/virtual-server-all.conf").config.virtualServers.first { $0.service.kind == .fwmark })
        #expect(server.service.fwmark == 42)
        #expect(server.persistenceTimeout == 360, "persistence_timeout alone means 6 minutes")
        #expect(server.sorryServer == SorryServer(address: IPAddress("198.51.100.99")!, port: nil, inhibit: true))
        #expect(server.protocol == nil, "a fwmark service has no protocol of its own")
        let dns = server.realServers[0]
        #expect(dns.forwardingMethod == .tun && !dns.inhibitOnFailure)
        let dnsTiming = dns.checkers[0].timing
        #expect(dnsTiming.delayLoop == 20 && dnsTiming.connectTimeout == 2 && dnsTiming.retry == 4 && dnsTiming.warmup == 0)
        #expect(dns.checkers[0].dns?.type == "A" && dns.checkers[0].dns?.name == "example.com")
        let udp = server.realServers[1]
        #expect(udp.weight == 0 && udp.inhibitOnFailure, "inhibit_on_failure is inherited")
        #expect(udp.checkers[0].timing.delayLoop == 15 && udp.checkers[0].timing.connectTimeout == 4)
        #expect(udp.checkers[0].timing.retry == 2 && udp.checkers[0].timing.delayBeforeRetry == 1.5)
    }

    @Test func httpChecks() throws {
        let server = try #require(Corpus.load("valid/http-checks.conf").config.virtualServers.first)
        let http = try #require(server.realServers[0].checkers[0].http)
        #expect(http.urls.map(\.path) == ["/health", "/index.html"])
        #expect(http.urls[0].statusCodes == [StatusCodeRange(from: 200, to: 200)])
        #expect(http.urls[1].digest == "9b3a0c85a887a256d6939da88aabd8cd")
        #expect(http.urls[1].statusCodes == [.init(from: 200, to: 299), .init(from: 301, to: 301), .init(from: 302, to: 302)])
        #expect(http.virtualhost == "www.example.com", "virtualhost comes down from the virtual server")
        #expect(server.realServers[0].checkers[0].timing.retry == 3, "nb_get_retry is retry")
        let ssl = try #require(server.realServers[1].checkers[0].http)
        #expect(ssl.enableSNI && ssl.fastRecovery)
        #expect(ssl.urls[0].statusCodes == [.init(from: 200, to: 399)])
        #expect(server.realServers[1].checkers[0].timing.delayBeforeRetry == 3, "HTTP checkers wait 3 s before a retry")
    }

    @Test func remainingCheckers() throws {
        let server = try #require(Corpus.load("valid/checkers.conf").config.virtualServers.first)
        let misc = try #require(server.realServers[0].checkers[0].misc)
        #expect(misc.path == "/usr/local/bin/check-mysql 198.51.100.80" && misc.timeout == 5 && misc.dynamic)
        #expect(server.realServers[0].checkers[0].timing.retry == 0, "MISC_CHECK does not retry by default")
        let tcp = server.realServers[0].checkers[1]
        #expect(tcp.connectIP?.description == "198.51.100.180" && tcp.bindPort == 40000 && tcp.fwmark == 9)
        #expect(tcp.timing.delayLoop == 3 && tcp.timing.delayBeforeRetry == 0.5)
        #expect(server.realServers[1].checkers.map(\.type) == [.file, .udp, .ping])
        let file = try #require(server.realServers[1].checkers[0].file)
        #expect(file.trackFile == "rs_state" && file.dynamic && file.weight == 2 && file.reverse)
        #expect(server.realServers[1].checkers[1].udp?.maximumReplyLength == 512)
    }

    @Test func syncGroup() throws {
        let group = try #require(Corpus.load("valid/sync-group.conf").config.vrrpSyncGroups.first)
        #expect(group.members == ["VI_OUTSIDE", "VI_INSIDE"])
        #expect(group.trackInterfaces.map(\.name) == ["eth2", "eth3"] && group.trackInterfaces[1].reverse)
        #expect(group.smtpAlert == false && group.syncGroupTrackingWeight)
    }

    @Test func virtualServerGroupRanges() throws {
        let groups = Corpus.load("valid/virtual-server-all.conf").config.virtualServerGroups
        let group = try #require(groups.first)
        #expect(group.entries.count == 3)
        #expect(group.entries[1].address?.description == "192.0.2.151" && group.entries[1].lastAddress?.description == "192.0.2.160")
        #expect(group.entries[2].prefixLength == 29 && group.entries[2].port == 80)
        let marks = try #require(groups.last?.entries.first)
        #expect(marks.fwmark == 7 && marks.family == .ipv4)
    }

    @Test func dumpIsStableSortedAndRoundTrips() throws {
        let result = Corpus.load("valid/instance-all.conf")
        let first = try result.config.jsonData()
        let second = try Corpus.load("valid/instance-all.conf").config.jsonData()
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.contains("\"advertInterval\" : 2"))
        #expect(!text.contains("source"), "source locations stay out of the dump")
        let object = try #require(try JSONSerialization.jsonObject(with: first) as? [String: Any])
        #expect(Array(object.keys).sorted() == ["global", "trackFiles", "trackProcesses", "unsupportedKeywords", "virtualServerGroups",
                                                 "virtualServers", "vrrpInstances", "vrrpScripts", "vrrpSyncGroups"])
        let decoded = try JSONDecoder().decode(KeepalivedConfig.self, from: first)
        #expect(decoded == result.config)
    }

    @Test func interfacesAreCheckedThroughTheInjectedQuestion() {
        let text = "vrrp_instance V {\n interface eth7\n virtual_router_id 9\n virtual_ipaddress { 192.0.2.9 dev eth8 }\n track_interface { eth0 }\n}\n"
        let options = LoadOptions(interfaceExists: { $0 == "eth0" })
        #expect(headers(text, options: options) == [
            "test.conf:2:12: warning: interface 'eth7' does not exist on this host",
            "test.conf:4:36: warning: interface 'eth8' does not exist on this host",
        ])
        #expect(!load(text, options: options).hasErrors)
        #expect(headers(text).isEmpty, "without the question, no host check is made")
    }
}

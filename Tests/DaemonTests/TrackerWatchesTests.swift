// Which trackers each instance watches and what their states do to it (keepalived.conf(5),
// "VRRP script(s)", "Track files", vrrp_sync_group).
import Config
@testable import Daemon
import Testing
import VRRP

@Suite struct TrackerWatchesTests {
    private func plan(_ text: String) throws -> [String: [TrackerWatch]] {
        let result = ConfigLoader().load(text: text)
        let failed = result.hasErrors
        #expect(!failed, "\(result.rendered(showingSourceLines: false))")
        return TrackerWatches.plan(result.config)
    }

    private let scripts = """
        vrrp_script chk_a {
            script "/bin/true"
            weight -20
        }
        vrrp_script chk_b {
            script "/bin/true"
            weight 10 reverse
        }
        track_file tf {
            file /tmp/xdpha-no-such-file
            weight 3
        }

        """

    private func instance(_ name: String, vrid: Int, _ body: String = "") -> String {
        "vrrp_instance \(name) {\n interface eth0\n virtual_router_id \(vrid)\n priority 100\n\(body)\n virtual_ipaddress {\n  192.0.2.\(vrid)/24\n }\n}\n"
    }

    @Test("an entry's weight replaces the script's weight and reverse; without one the script's own count")
    func entryWeightsOverride() throws {
        let watches = try plan(scripts + instance("VI_1", vrid: 1, """
             track_script {
              chk_a
              chk_b weight -5
             }
             track_file {
              tf weight -2 reverse
             }
            """))["VI_1"] ?? []
        #expect(watches == [
            TrackerWatch(source: .script("chk_a"), weight: -20, reverse: false),
            TrackerWatch(source: .script("chk_b"), weight: -5, reverse: false),
            TrackerWatch(source: .file("tf"), weight: -2, reverse: true),
        ])
    }

    @Test("a sync group's trackers reach every member, at weight 0 (FAULT) unless sync_group_tracking_weight")
    func syncGroupTrackers() throws {
        let group = { (tracking: Bool) in """
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
                track_script {
                    chk_a
                }
                \(tracking ? "sync_group_tracking_weight" : "")
            }

            """ }
        let members = instance("VI_1", vrid: 1) + instance("VI_2", vrid: 2, " track_script {\n  chk_b\n }")
        let plain = try plan(scripts + group(false) + members)
        #expect(plain["VI_1"] == [TrackerWatch(source: .script("chk_a"), weight: 0, reverse: false)])
        #expect(plain["VI_2"] == [TrackerWatch(source: .script("chk_b"), weight: 10, reverse: true),
                                  TrackerWatch(source: .script("chk_a"), weight: 0, reverse: false)])
        let weighted = try plan(scripts + group(true) + members)
        #expect(weighted["VI_1"] == [TrackerWatch(source: .script("chk_a"), weight: -20, reverse: false)])
    }

    @Test("script states become priority changes or FAULT as keepalived applies them")
    func scriptStatuses() {
        let minus = TrackerWatch(source: .script("s"), weight: -20, reverse: false)
        #expect(minus.status(scriptUp: true) == TrackerStatus(name: "script s", weight: 0, isUp: true))
        #expect(minus.status(scriptUp: false).priorityEffect == -20)
        let plus = TrackerWatch(source: .script("s"), weight: 10, reverse: false)
        #expect(plus.status(scriptUp: true).priorityEffect == 10)
        #expect(plus.status(scriptUp: false).priorityEffect == 0)
        let reversed = TrackerWatch(source: .script("s"), weight: 10, reverse: true)
        #expect(reversed.status(scriptUp: true).priorityEffect == -10)
        let zero = TrackerWatch(source: .script("s"), weight: 0, reverse: false)
        #expect(zero.status(scriptUp: false) == TrackerStatus(name: "script s", weight: 0, isUp: false))
        #expect(zero.status(scriptUp: true) == TrackerStatus(name: "script s", weight: 0, isUp: true))
    }

    @Test("a file's value times the weight moves the priority; weight 0 faults on any non-zero value")
    func fileStatuses() {
        let file = TrackerWatch(source: .file("f"), weight: -10, reverse: false)
        #expect(file.status(fileValue: 3).priorityEffect == -30)
        #expect(file.status(fileValue: 0) == TrackerStatus(name: "file f", weight: 0, isUp: true), "0 x weight: no change, no FAULT")
        #expect(file.status(fileValue: 30) == TrackerStatus(name: "file f", weight: 0, isUp: false), "below -253: FAULT")
        let zero = TrackerWatch(source: .file("f"), weight: 0, reverse: false)
        #expect(zero.status(fileValue: 1) == TrackerStatus(name: "file f", weight: 0, isUp: false))
        #expect(zero.status(fileValue: 0).priorityEffect == 0)
    }

    @Test("a track_file's value is the integer it starts with; anything else is 0")
    func fileValues() {
        #expect(TrackedFileValue.parse("42\n") == 42)
        #expect(TrackedFileValue.parse("  -7 apples") == -7)
        #expect(TrackedFileValue.parse("+5") == 5)
        #expect(TrackedFileValue.parse("") == 0)
        #expect(TrackedFileValue.parse("x12") == 0)
        #expect(TrackedFileValue.parse("-") == 0)
    }

    @Test("FIFO lines name the kind, the quoted name, the state and the priority")
    func fifoLines() {
        #expect(NotifyFIFO.line(kind: "INSTANCE", name: "VI_1", state: "MASTER", priority: 150) == "INSTANCE \"VI_1\" MASTER 150")
        #expect(NotifyFIFO.line(kind: "GROUP", name: "G", state: "FAULT", priority: nil) == "GROUP \"G\" FAULT")
    }
}

extension TrackerStatus {
    /// What the tracker adds to the priority now (the state machine's own rule, restated).
    var priorityEffect: Int { weight > 0 && isUp || weight < 0 && !isUp ? weight : 0 }
}

@Suite struct ProcessTrackingTests {
    private func matcher(_ process: String, _ parameters: [String] = [], _ match: TrackProcess.ParameterMatch = .exact,
                         fullCommand: Bool = false, quorum: Int = 1, quorumMax: Int? = nil,
                         forkDelay: Double = 0, terminateDelay: Double = 0) -> ProcessMatcher {
        var definition = TrackProcess(name: "p")
        definition.process = process
        definition.parameters = parameters
        definition.parameterMatch = match
        definition.fullCommand = fullCommand
        definition.quorum = quorum
        definition.quorumMax = quorumMax
        definition.forkDelay = forkDelay
        definition.terminateDelay = terminateDelay
        return ProcessMatcher(definition: definition)
    }

    private let nginx = ProcessTable.Entry(name: "nginx", arguments: ["/usr/sbin/nginx", "-g", "daemon off;"])
    private let longName = ProcessTable.Entry(name: "haproxy-wrapper", arguments: ["/opt/bin/haproxy-wrapperd", "-f", "x.cfg"])

    @Test("the name is the process's comm (cut to 15 bytes), or argv[0] with full_command")
    func names() {
        #expect(matcher("nginx").matches(nginx))
        #expect(!matcher("nginx2").matches(nginx))
        #expect(matcher("haproxy-wrapperd").matches(longName), "comm holds only 15 bytes")
        #expect(!matcher("nginx", fullCommand: true).matches(nginx))
        #expect(matcher("/usr/sbin/nginx", fullCommand: true).matches(nginx))
    }

    @Test("parameters match exactly, as a prefix (initial), or with the last one a prefix (partial)")
    func parameters() {
        #expect(matcher("nginx", ["-g", "daemon off;"]).matches(nginx))
        #expect(!matcher("nginx", ["-g"]).matches(nginx))
        #expect(matcher("nginx", ["-g"], .initial).matches(nginx))
        #expect(!matcher("nginx", ["-g", "daemon"], .initial).matches(nginx))
        #expect(matcher("nginx", ["-g", "daemon"], .partial).matches(nginx))
        #expect(!matcher("nginx", ["-x", "daemon"], .partial).matches(nginx))
    }

    @Test("up while quorum <= count <= quorum_max")
    func quorum() {
        let ranged = matcher("w", quorum: 2, quorumMax: 3)
        #expect(!ranged.isUp(count: 1) && ranged.isUp(count: 2) && ranged.isUp(count: 3) && !ranged.isUp(count: 4))
        #expect(matcher("w").isUp(count: 1) && !matcher("w").isUp(count: 0))
    }

    @Test("fork_delay and terminate_delay: a new verdict counts once it has lasted that long")
    func delays() {
        var state = ProcessTrackerState(matcher("w", forkDelay: 2, terminateDelay: 1), isUp: false)
        // Each observation is (count, time) -> changed?
        let steps: [(Int, Double, Bool)] = [(1, 0, false), (1, 1.5, false), (1, 2, true),
                                            (0, 3, false), (1, 3.5, false), (0, 4, false), (0, 5, true)]
        var changes: [Bool] = []
        var states: [Bool] = []
        for (count, time, _) in steps {
            changes.append(state.observe(count: count, at: time))
            states.append(state.isUp)
        }
        #expect(changes == steps.map(\.2), "up only after fork_delay; the process coming back forgets a pending down")
        #expect(states == [false, false, true, true, true, true, false])
    }

    @Test("a scan of this machine's /proc finds this test process by its argv[0]")
    func scanFindsUs() {
        let me = CommandLine.arguments[0]
        #expect(ProcessTable.scan().contains { $0.arguments.first == me })
    }
}

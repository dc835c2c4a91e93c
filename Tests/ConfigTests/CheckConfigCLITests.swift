// `xdpha check-config` end to end: the built binary from .build, its exit status, its stderr in
// clang's format and its JSON dump.
import Foundation
import Testing

@Suite struct CheckConfigCLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The xdpha binary built beside the test bundle (`swift build --build-tests` builds it).
    static let binary: URL = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("xdpha")

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try #require(FileManager.default.isExecutableFile(atPath: binary.path) ? binary : nil,
                                             "build xdpha first: \(binary.path) is missing")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting so that a large dump cannot fill a pipe and block.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A scratch directory with the given files, removed by the caller.
    static func scratch(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-cli-\(UUID().uuidString)")
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func validConfigurationExitsZero() throws {
        let run = try Self.run(["check-config", "--no-host-checks", "valid/lvs-dr-wrr.conf"], in: Corpus.root)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout == "valid/lvs-dr-wrr.conf: valid (1 vrrp_instance, 1 virtual_server)\n")
    }

    /// lc, wlc, NAT... are no longer refused: IPVS serves them, which check-config notes.
    @Test func aSchedulerOnlyIPVSCarriesOutIsValidWithANote() throws {
        let directory = try Self.scratch(["k.conf": """
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched lc
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }

            """])
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.run(["check-config", "--no-host-checks", "k.conf"], in: directory)
        #expect(run.status == 0)
        #expect(run.stdout == "k.conf: valid (0 vrrp_instance, 1 virtual_server)\n")
        #expect(run.stderr.hasPrefix("k.conf:1: note: virtual_server 192.0.2.50:80 is served by IPVS (kernel module ip_vs) "
                                     + "under --dataplane auto: scheduler 'lc' is not carried out by the XDP path"), "\(run.stderr)")
    }

    @Test func errorsExitOneWithClangStyleDiagnostics() throws {
        let run = try Self.run(["check-config", "--no-host-checks", "invalid/missing-brace-list.conf"], in: Corpus.root)
        #expect(run.status == 1)
        #expect(run.stdout == "")
        #expect(run.stderr == """
            invalid/missing-brace-list.conf:4:5: error: 'virtual_ipaddress' is missing its closing '}'
                virtual_ipaddress {
                ^~~~~~~~~~~~~~~~~
            invalid/missing-brace-list.conf:6:5: note: 'priority' belongs to 'vrrp_instance VI_1', so the block must end before it
                priority 100
                ^~~~~~~~
            1 error generated.

            """)
    }

    @Test func warningsAloneExitZero() throws {
        let directory = try Self.scratch(["k.conf": """
            vrrp_instance V {
                interface xdpha-no-such-if0
                virtual_router_id 7
                virtual_ipaddress { 192.0.2.7 }
                promote_secondaries
            }
            """])
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.run(["check-config", "k.conf"], in: directory)
        #expect(run.status == 0)
        #expect(run.stderr.contains("k.conf:2:15: warning: interface 'xdpha-no-such-if0' does not exist on this host\n"))
        #expect(run.stderr.contains("k.conf:5:5: warning: 'promote_secondaries' is accepted but not supported yet\n"))
        #expect(run.stderr.hasSuffix("2 warnings generated.\n"))
        let strict = try Self.run(["check-config", "--strict", "--no-host-checks", "k.conf"], in: directory)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("k.conf:5:5: error: 'promote_secondaries' is accepted but not supported yet (--strict)"))
    }

    @Test func unreadableFileExitsOne() throws {
        let run = try Self.run(["check-config", "/nonexistent/keepalived.conf"])
        #expect(run.status == 1)
        #expect(run.stderr == """
            /nonexistent/keepalived.conf: error: cannot open '/nonexistent/keepalived.conf': no such file
            1 error generated.

            """)
    }

    @Test func usageErrorsExitTwo() throws {
        let missing = try Self.run(["check-config"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: missing the configuration file to check\n"))
        let unknown = try Self.run(["check-config", "--frobnicate", "x.conf"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("error: unknown option '--frobnicate'\n"))
    }

    @Test func dumpPrintsTheResolvedModelAsJSON() throws {
        let run = try Self.run(["check-config", "--dump", "--no-host-checks", "--config-id", "lb1", "includes/main.conf"], in: Corpus.root)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let instances = try #require(object["vrrpInstances"] as? [[String: Any]])
        #expect(instances.compactMap { $0["name"] as? String } == ["VI_WEB", "VI_DB"])
        #expect(instances[0]["priority"] as? Int == 100, "defaults are filled in")
        let servers = try #require(object["virtualServers"] as? [[String: Any]])
        #expect((servers.first?["realServers"] as? [Any])?.count == 2, "includes are expanded")
        let again = try Self.run(["check-config", "--dump", "--no-host-checks", "--config-id", "lb1", "includes/main.conf"], in: Corpus.root)
        #expect(again.stdout == run.stdout, "the dump is stable")
    }

    @Test("A configuration read from a device or a pipe works: /dev/null is an empty, valid file")
    func readsDevices() throws {
        let result = try Self.run(["check-config", "/dev/null"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty || !result.stderr.contains("error"))
    }
}

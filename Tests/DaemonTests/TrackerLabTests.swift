// vrrp_script, track_file and notify_fifo on a running `xdpha run`, with Debian's keepalived as
// the peer where a priority change must move the VIP.
import Daemon
import Foundation
import NetLab
import Testing

@Suite("xdpha run: trackers and notify_fifo", .serialized,
       .enabled(if: VRRPInteropLab.unavailableReason == nil, "\(VRRPInteropLab.unavailableReason ?? "")"))
struct TrackerLabTests {
    static let vip = "192.0.2.50"

    private func executable(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    @Test("a failing vrrp_script lowers xdpha below keepalived, which takes the VIP; recovered, xdpha takes it back")
    func scriptMovesTheVIPToKeepalived() async throws {
        let lab = try VRRPInteropLab("vscript")
        defer { lab.tearDown() }
        let flag = lab.directory.appendingPathComponent("fail").path
        let check = lab.directory.appendingPathComponent("check.sh").path
        try executable(check, "#!/bin/sh\ntest ! -e \(flag)\n")
        let xdpha = InstanceConfig(priority: 150, version: 3, advertInterval: "0.1").text
            .replacingOccurrences(of: "    virtual_ipaddress {",
                                  with: "    track_script {\n        chk weight -60\n    }\n    virtual_ipaddress {")
        let script = "vrrp_script chk {\n    script \"\(check)\"\n    interval 1\n    fall 1\n    rise 1\n}\n"
        try lab.startXDPHA(0, config: script + xdpha)
        try lab.startKeepalived(1, config: InstanceConfig(priority: 120, version: 3, advertInterval: "0.1").text)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(5)), "\(lab.log(0))")

        _ = FileManager.default.createFile(atPath: flag, contents: nil)
        #expect(await lab.waitUntil(.seconds(4)) { lab.status(0)?.instances.first?.effectivePriority == 90 },
                "150 - 60 while the script fails: \(String(describing: lab.status(0)?.instances.first))")
        #expect(await lab.waitForSoleHolder(1, of: Self.vip, within: .seconds(3)), "keepalived (120) preempts: \(lab.log(1))")

        try FileManager.default.removeItem(atPath: flag)
        #expect(await lab.waitUntil(.seconds(4)) { lab.status(0)?.instances.first?.effectivePriority == 150 })
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(3)), "xdpha (150) preempts back: \(lab.log(0))")
    }

    @Test("track_file values move the priority, a weight-0 script fault holds FAULT, notify_fifo gets every change in order")
    func trackFileFaultAndFIFO() async throws {
        let lab = try VRRPInteropLab("vtrack", routers: 1)
        defer { lab.tearDown() }
        let directory = lab.directory.path
        let value = directory + "/value", hard = directory + "/hard", fifo = directory + "/events.fifo"
        let fifoLog = directory + "/fifo.log", notifyLog = directory + "/notify.log"
        try executable(directory + "/hard.sh", "#!/bin/sh\ntest ! -e \(hard)\n")
        try executable(directory + "/reader.sh", "#!/bin/sh\nexec cat \"$1\" >> \(fifoLog)\n")
        try executable(directory + "/notify.sh", "#!/bin/sh\necho \"$1 $2 $3 $4\" >> \(notifyLog)\n")
        let config = """
            global_defs {
                vrrp_version 3
                vrrp_notify_fifo \(fifo)
                vrrp_notify_fifo_script \(directory)/reader.sh
            }
            vrrp_script hard {
                script "\(directory)/hard.sh"
                interval 1
            }
            track_file load {
                file \(value)
                weight -10
                init_file 0
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 0.1
                notify \(directory)/notify.sh
                track_script {
                    hard
                }
                track_file {
                    load
                }
                virtual_ipaddress {
                    192.0.2.50/24
                }
            }

            """
        try lab.startXDPHA(0, config: config)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(5)), "\(lab.log(0))")
        #expect((try? String(contentsOfFile: value, encoding: .utf8)) == "0\n", "init_file wrote the starting value")

        try "3\n".write(toFile: value, atomically: true, encoding: .utf8)
        #expect(await lab.waitUntil(.seconds(2)) { lab.status(0)?.instances.first?.effectivePriority == 120 },
                "150 + 3 x -10: \(String(describing: lab.status(0)?.instances.first))")
        try "0\n".write(toFile: value, atomically: true, encoding: .utf8)
        #expect(await lab.waitUntil(.seconds(2)) { lab.status(0)?.instances.first?.effectivePriority == 150 })

        _ = FileManager.default.createFile(atPath: hard, contents: nil)
        #expect(await lab.waitUntil(.seconds(4)) { lab.status(0)?.instances.first?.state == "FAULT" })
        #expect(!lab.holdsAddress(0, Self.vip), "a FAULT instance holds no VIP")
        try FileManager.default.removeItem(atPath: hard)
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(5)), "back to MASTER")

        // The FIFO saw what the notify scripts saw, in the same order, in keepalived's format.
        func lines(_ path: String) -> [String] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        #expect(await lab.waitUntil(.seconds(2)) { lines(notifyLog).last?.hasPrefix("INSTANCE VI_1 MASTER") == true })
        #expect(await lab.waitUntil(.seconds(2)) { lines(fifoLog).count == lines(notifyLog).count })
        let fifoStates = lines(fifoLog).map { $0.split(separator: " ")[2] }
        let scriptStates = lines(notifyLog).map { $0.split(separator: " ")[2] }
        #expect(fifoStates == scriptStates, "FIFO \(lines(fifoLog)) vs notify \(lines(notifyLog))")
        #expect(lines(fifoLog).allSatisfy { $0.hasPrefix("INSTANCE \"VI_1\" ") }, "\(lines(fifoLog))")
        let fault = try #require(fifoStates.firstIndex(of: "FAULT"), "\(fifoStates)")
        #expect(fifoStates[..<fault].last == "MASTER" && fifoStates.last == "MASTER", "\(fifoStates)")
    }

    @Test("vrrp_track_process: FAULT while the tracked process is missing, MASTER while it runs")
    func trackProcess() async throws {
        let lab = try VRRPInteropLab("vproc", routers: 1)
        defer { lab.tearDown() }
        // An argument no other process on this machine has, so that only ours matches.
        let marker = "\(31_000 + Int(getpid()) % 1000).5"
        let config = """
            vrrp_track_process sleeper {
                process sleep \(marker)
                weight 0
                delay 0.5
            }

            """ + InstanceConfig(priority: 150, version: 3, advertInterval: "0.1").text
                .replacingOccurrences(of: "    virtual_ipaddress {",
                                      with: "    track_process {\n        sleeper\n    }\n    virtual_ipaddress {")
        try lab.startXDPHA(0, config: config)
        #expect(await lab.waitUntil(.seconds(3)) { lab.status(0)?.instances.first?.state == "FAULT" }, "\(lab.log(0))")
        #expect(!lab.holdsAddress(0, Self.vip))

        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = [marker]
        try sleeper.run()
        defer { if sleeper.isRunning { kill(sleeper.processIdentifier, SIGKILL) } }
        #expect(await lab.waitForSoleHolder(0, of: Self.vip, within: .seconds(4)), "\(lab.log(0))")

        kill(sleeper.processIdentifier, SIGKILL)
        #expect(await lab.waitUntil(.seconds(3)) { lab.status(0)?.instances.first?.state == "FAULT" }, "\(lab.log(0))")
    }
}

import Foundation
import Testing
@testable import HealthCheck
#if canImport(Glibc)
import Glibc
#endif

// MISC_CHECK scripts, script security and FILE_CHECK, with files in a fresh temporary directory.
extension CheckerIOTests {
    @Suite struct MiscCheckerTests {
        let directory: URL

        init() throws {
            directory = try Peers.temporaryDirectory("misc")
            chmod(directory.path, 0o755)
        }

        func script(_ name: String, _ body: String, mode: mode_t = 0o755) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try writeScript(path, body, mode: mode)
            return path
        }

        func check(_ command: String, dynamic: Bool = false, timeout: Duration = .milliseconds(300),
                   policy: ScriptPolicy = ScriptPolicy(), user: String? = nil) async -> CheckOutcome {
            await MiscChecker(options: MiscCheckOptions(script: ScriptCommand(command, user: user), timeout: timeout, dynamic: dynamic),
                              defaultTimeout: .seconds(5), runner: ScriptRunner(policy: policy)).check()
        }

        @Test func exitCodesMapAsKeepalivedDoes() async throws {
            let path = try script("code.sh", "exit $1")
            #expect(await check("\(path) 0").isUp)
            #expect(!(await check("\(path) 1").isUp))
            #expect(!(await check("\(path) 9").isUp))
            #expect(await check("\(path) 9", dynamic: true) == .up(.set(7)))
            #expect(!(await check("\(path) 1", dynamic: true).isUp))
        }

        @Test func hangingScriptIsDownAtItsTimeoutAndIsKilledWithItsChildren() async throws {
            let marker = directory.appendingPathComponent("child.pid").path
            let path = try script("hang.sh", "sleep 30 & echo $! > \(marker)\nwait")
            let clock = ContinuousClock()
            let start = clock.now
            #expect(!(await check(path, timeout: .milliseconds(200)).isUp))
            #expect(clock.now - start < .milliseconds(1500))
            // The background `sleep` was in the script's session: it must be gone too.
            try await Task.sleep(for: .milliseconds(400))
            let child = Int32((try? String(contentsOfFile: marker, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            #expect(child > 0)
            #expect(!isRunning(child))
        }

        @Test func scriptSecurityRefusesScriptsOthersCanChange() async throws {
            let secure = ScriptPolicy(enforceSecurity: true)
            let safe = try script("safe.sh", "exit 0", mode: 0o755)
            #expect(await check(safe, policy: secure).isUp)
            let writable = try script("writable.sh", "exit 0", mode: 0o777)
            let plainRun = await check(writable)
            #expect(plainRun.isUp, "\(plainRun)")                      // without enable_script_security it runs
            let refused = await check(writable, policy: secure)
            #expect(!refused.isUp)
            #expect("\(refused)".contains("writable by everyone"))
            // A directory anyone may write (without the sticky bit) also makes the script unsafe.
            let open = directory.appendingPathComponent("open")
            try FileManager.default.createDirectory(at: open, withIntermediateDirectories: true)
            chmod(open.path, 0o777)
            let inOpen = open.appendingPathComponent("s.sh").path
            try writeScript(inOpen, "exit 0")
            #expect(!(await check(inOpen, policy: secure).isUp))
            #expect(!(await check(directory.appendingPathComponent("absent.sh").path, policy: secure).isUp))
        }

        @Test(.enabled(if: getpwnam("nobody") != nil && geteuid() == 0))
        func scriptRunsAsTheConfiguredUser() async throws {
            let output = directory.appendingPathComponent("uid.txt").path
            chmod(directory.path, 0o777)
            defer { chmod(directory.path, 0o755) }
            let path = try script("whoami.sh", "id -u > \(output)")
            #expect(await check(path, user: "nobody").isUp)
            let uid = try String(contentsOfFile: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(uid == String(getpwnam("nobody")!.pointee.pw_uid))
            #expect(!(await check(path, user: "no-such-user-xdpha").isUp))
            // script_user from global_defs applies when the script names none.
            #expect(await check(path, policy: ScriptPolicy(defaultUser: "nobody")).isUp)
        }
    }

    @Suite struct FileCheckerTests {
        @Test func fileValueDecidesUpDownAndWeight() async throws {
            let directory = try Peers.temporaryDirectory("file")
            let path = directory.appendingPathComponent("state").path
            let plain = FileChecker(options: FileCheckOptions(path: path))
            #expect(!(await plain.check().isUp))                      // missing
            try "0\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(await plain.check().isUp)
            try "2\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(!(await plain.check().isUp))
            #expect(await FileChecker(options: FileCheckOptions(path: path, weight: 10)).check() == .up(.add(20)))
        }
    }
}

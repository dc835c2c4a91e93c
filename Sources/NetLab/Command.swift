// Running the lab's commands (ip, sysctl, ping, keepalived...) and reporting their failures.
import Foundation

public struct CommandError: Error, CustomStringConvertible {
    public let command: [String]
    public let status: Int32
    public let output: String
    public var description: String {
        "`\(command.joined(separator: " "))` exited with \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

public struct CommandResult: Sendable {
    public let status: Int32
    public let output: String   // stdout and stderr, interleaved
}

public enum Command {
    /// Runs a command to completion; stdout and stderr are captured together.
    @discardableResult
    public static func run(_ arguments: [String], check: Bool = true) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
        if check && result.status != 0 {
            throw CommandError(command: arguments, status: result.status, output: result.output)
        }
        return result
    }

    /// Whether an executable is on PATH.
    public static func exists(_ name: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(name)"], check: false).status) == 0
    }
}

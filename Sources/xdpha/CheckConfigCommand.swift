// `xdpha check-config FILE`: judge a keepalived.conf as xdpha reads it, clang-style diagnostics
// on stderr; `--dump` prints the resolved model as JSON on stdout.
// Exit status: 0 valid (warnings allowed), 1 errors (an unreadable file too), 2 usage errors.
import ArgumentParser
import Config
import Foundation

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a keepalived.conf and report every problem with its file, line and column.",
        discussion: """
            Exit status: 0 when the configuration is valid (warnings allowed), 1 when it has errors \
            or cannot be read, 2 for usage errors.
            An interface that does not exist on this host is a warning: the file is judged as it \
            would be on the machine it is meant for.
            """)

    @Flag(help: "Treat keywords xdpha accepts but does not support yet as errors.")
    var strict = false

    @Flag(help: "Print the resolved configuration (defaults filled in, includes expanded) as JSON on stdout.")
    var dump = false

    @Option(name: .customLong("config-id"),
            help: "The id that '@id' conditional lines are compared with (default: the host name up to the first dot).")
    var configID: String?

    @Flag(help: "Do not check interface names against this host.")
    var noHostChecks = false

    /// The file, and anything unrecognised: unknown options land here so that they are usage
    /// errors with exit status 2 (ArgumentParser would exit with 64).
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The keepalived.conf to check.", valueName: "file"))
    var arguments: [String] = []

    func run() throws {
        if let option = arguments.first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw usageError("unknown option '\(option)'")
        }
        guard let file = arguments.first else { throw usageError("missing the configuration file to check") }
        if arguments.count > 1 { throw usageError("unexpected argument '\(arguments[1])'") }

        let options = LoadOptions(configID: configID ?? Self.defaultConfigID(), strict: strict,
                                  interfaceExists: noHostChecks ? nil : Self.hostInterfaceCheck())
        let result = ConfigLoader(fileSystem: DiskFileSystem(), options: options).load(path: file)

        var standardError = StandardError()
        standardError.write(result.rendered())
        let errors = result.errors.count, warnings = result.warnings.count
        if errors + warnings > 0 {
            standardError.write(Self.summary(errors: errors, warnings: warnings) + "\n")
        }
        guard errors == 0 else { throw ExitCode(1) }
        for line in DataPathNotes.lines(for: result) { standardError.write(line + "\n") }

        if dump {
            var data = try result.config.jsonData()
            data.append(UInt8(ascii: "\n"))
            FileHandle.standardOutput.write(data)
        } else {
            let config = result.config
            print("\(file): valid (\(config.vrrpInstances.count) vrrp_instance, \(config.virtualServers.count) virtual_server)")
        }
    }

    private func usageError(_ message: String) -> ExitCode {
        var standardError = StandardError()
        standardError.write("error: \(message)\nUsage: xdpha \(Self.usageString())\n")
        return ExitCode(2)
    }

    static func summary(errors: Int, warnings: Int) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts: [String] = []
        if warnings > 0 { parts.append(count(warnings, "warning")) }
        if errors > 0 { parts.append(count(errors, "error")) }
        return parts.joined(separator: " and ") + " generated."
    }

    /// keepalived's default config id: the node name up to the first dot.
    static func defaultConfigID() -> String {
        String(ProcessInfo.processInfo.hostName.split(separator: ".").first ?? "")
    }

    /// On Linux an interface exists when /sys/class/net has it; elsewhere the check is skipped.
    static func hostInterfaceCheck() -> (@Sendable (String) -> Bool)? {
        guard FileManager.default.fileExists(atPath: "/sys/class/net") else { return nil }
        return { name in
            !name.contains("/") && FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

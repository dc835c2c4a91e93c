// Compiles every bpf/*.c of the target with clang -target bpf and embeds the objects as
// Swift byte arrays, so `swift build` alone produces a binary that carries its BPF programs.
import Foundation
import PackagePlugin

@main
struct BPFCompile: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let dir = target.directoryURL
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
        let sources = files.filter { $0.pathExtension == "c" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        let includeDir = dir.appending(path: "include")
        let headers = ((try? FileManager.default.contentsOfDirectory(at: includeDir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "h" }
        let clang = try context.tool(named: "clang").url
        let embed = try context.tool(named: "BPFEmbed").url
        let work = context.pluginWorkDirectoryURL

        let generated = work.appending(path: "EmbeddedBPF.swift")
        let flags = ["-O2", "-g", "-Wall", "-Werror", "-target", "bpf",
                     "-I", includeDir.path, "-I", "/usr/include/\(multiarchTriple())"]
        return [.buildCommand(
            displayName: "Compiling and embedding BPF programs (\(sources.map(\.lastPathComponent).joined(separator: ", ")))",
            executable: embed,
            arguments: [generated.path, clang.path] + flags + ["--"] + sources.map(\.path),
            inputFiles: sources + headers,
            outputFiles: [generated])]
    }

    /// The Debian multiarch directory that holds <asm/types.h>; BPF has no multiarch of its own.
    private func multiarchTriple() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        process.arguments = ["-dumpmachine"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) != nil {
            process.waitUntilExit()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if process.terminationStatus == 0, !out.isEmpty { return out }
        }
        #if arch(arm64)
        return "aarch64-linux-gnu"
        #else
        return "x86_64-linux-gnu"
        #endif
    }
}

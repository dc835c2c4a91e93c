// Access to the configuration corpus shipped with the tests, loaded into an in-memory file
// system keyed by paths relative to the corpus root, so diagnostics name files the same way
// on every machine.
import Foundation
@testable import Config

enum Corpus {
    static let root: URL = Bundle.module.resourceURL!.appendingPathComponent("Corpus")

    /// Every corpus file, by relative path ("valid/lvs-dr-wrr.conf").
    static let files: [String: String] = {
        var files: [String: String] = [:]
        let base = root.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(atPath: base)!
        for case let relative as String in enumerator {
            var isDirectory: ObjCBool = false
            let full = base + "/" + relative
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[relative] = try! String(contentsOfFile: full, encoding: .utf8)
        }
        return files
    }()

    static let fileSystem = InMemoryFileSystem(files)

    static func names(in directory: String, ext: String = ".conf") -> [String] {
        files.keys.filter { $0.hasPrefix(directory + "/") && $0.hasSuffix(ext) }.sorted()
    }

    static func load(_ path: String, options: LoadOptions = LoadOptions()) -> LoadResult {
        ConfigLoader(fileSystem: fileSystem, options: options).load(path: path)
    }

    /// The expected diagnostic header lines beside a corpus file (FILE.expected), if any.
    static func expectations(for path: String) -> [String]? {
        let expected = String(path.dropLast(".conf".count)) + ".expected"
        return files[expected].map { $0.split(separator: "\n").map(String.init) }
    }

    /// Header lines (no quoted source) of every diagnostic and note, as the CLI prints them.
    static func headers(_ result: LoadResult) -> [String] {
        result.rendered(showingSourceLines: false).split(separator: "\n").map(String.init)
    }
}

/// Loads configuration text held in memory; the root file is "test.conf".
func load(_ text: String, files: [String: String] = [:], options: LoadOptions = LoadOptions()) -> LoadResult {
    ConfigLoader(fileSystem: InMemoryFileSystem(files), options: options).load(text: text, path: "test.conf")
}

/// The header lines of a load's diagnostics.
func headers(_ text: String, files: [String: String] = [:], options: LoadOptions = LoadOptions()) -> [String] {
    Corpus.headers(load(text, files: files, options: options))
}

// The corpus: valid configurations load with exactly the diagnostics they expect (usually none);
// each broken one yields exactly the diagnostics written beside it, file, line, column and text.
import Testing
@testable import Config

@Suite struct CorpusTests {
    @Test(arguments: Corpus.names(in: "valid") + ["includes/main.conf"])
    func validConfigurationLoads(_ path: String) {
        let result = Corpus.load(path, options: LoadOptions(configID: "lb1"))
        #expect(!result.hasErrors, "\(result.rendered())")
        #expect(Corpus.headers(result) == (Corpus.expectations(for: path) ?? []))
    }

    @Test(arguments: Corpus.names(in: "invalid").filter { $0 != "invalid/include-cycle-b.conf" })
    func brokenConfigurationReportsExactly(_ path: String) throws {
        let expected = try #require(Corpus.expectations(for: path), "no .expected beside \(path)")
        let result = Corpus.load(path)
        #expect(Corpus.headers(result) == expected)
        #expect(result.hasErrors || expected.contains { $0.contains(": warning: ") })
    }

    @Test func everyBrokenConfigurationHasAnError() {
        for path in Corpus.names(in: "invalid") where path != "invalid/include-cycle-b.conf" {
            let result = Corpus.load(path)
            #expect(result.hasErrors, "\(path) should be rejected")
        }
    }

    /// Every keyword xdpha reads is used by at least one valid corpus file, so each has a test.
    @Test func everySupportedKeywordAppearsInTheValidCorpus() {
        var used = Set<String>()
        for path in Corpus.names(in: "valid") + Corpus.names(in: "includes") {
            var log = DiagnosticLog()
            var tokens: [Token] = []
            for (number, line) in Corpus.files[path]!.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let bytes = Array(line.utf8)
                LineLexer.tokenize(LineText(bytes: bytes[...], file: 0, line: Int32(number + 1), lineStart: 0),
                                   into: &tokens, log: &log)
            }
            used.formUnion(tokens.map(\.text))
        }
        var missing: [String] = []
        for block in SchemaDirectory.blocks {
            for keyword in block.supportedKeywords where !used.contains(keyword) {
                missing.append("\(block.name).\(keyword)")
            }
        }
        #expect(missing.isEmpty, "keywords without a corpus example: \(missing.sorted())")
    }
}

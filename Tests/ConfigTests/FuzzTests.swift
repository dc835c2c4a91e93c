// Loading never crashes, hangs or reports nonsense, whatever the input: seeded random bytes,
// mutations of small pieces of the valid corpus and mutations of whole valid corpus files, loaded
// in memory (includes resolve against an in-memory file system that holds a file including
// itself). Over a million inputs in all.
import Foundation
import SeededRandom
import Testing
@testable import Config

@Suite struct FuzzTests {
    /// Inputs per worker; workers = 4, so 4 × 250,000 = 1,000,000 inputs in total.
    static let inputsPerWorker = ProcessInfo.processInfo.environment["XDPHA_FUZZ_INPUTS_PER_WORKER"].flatMap { Int($0) } ?? 250_000
    static let workers = 4

    /// Small pieces of the valid corpus (a few lines each) to mutate: small inputs keep a million
    /// loads fast in a debug build, and pieces still carry real keywords, blocks and values.
    static let seeds: [[UInt8]] = {
        var pieces: [[UInt8]] = []
        for path in Corpus.names(in: "valid") + Corpus.names(in: "includes") {
            let lines = Corpus.files[path]!.split(separator: "\n", omittingEmptySubsequences: false)
            var start = 0
            while start < lines.count {
                let piece = lines[start..<min(lines.count, start + 3)].joined(separator: "\n") + "\n"
                pieces.append(Array(piece.utf8))
                start += 2
            }
        }
        return pieces
    }()

    /// Whole valid configurations, mutated for one input in 32: a real file with a few typos,
    /// at the cost of loading a whole file (pieces keep the rest of the run fast).
    static let wholeFiles: [[UInt8]] = (Corpus.names(in: "valid") + Corpus.names(in: "includes")).map {
        Array(Corpus.files[$0]!.utf8)
    }

    static let fileSystem = InMemoryFileSystem([
        "self.conf": "include self.conf\n",
        "conf.d/a.conf": "global_defs {\n router_id a\n}\n",
        "conf.d/b.conf": "vrrp_instance {\n",
    ])

    /// Bytes that matter to the lexer and preprocessor, drawn more often than others.
    static let interesting: [UInt8] = Array("{}\"'#!$@^~\\\n\t =/.:-_0123456789abcdefABCDEF()[]*,?".utf8)
    static let words: [[UInt8]] = [
        "vrrp_instance", "virtual_server", "real_server", "include conf.d/*.conf", "include self.conf", "$X=", "${X}",
        "@lb1 ", "@^lb1 ", "~SEQ(N,1,3) ", "~LST(A,1,2) ", "virtual_ipaddress {", "}", "{", "priority 255", "2001:db8::1",
        "192.0.2.1/24", "HTTP_GET {", "url {", "track_script {", "group {", "\"", "$X= \\\n", "${_HASH}", "${_RANDOM 1 9}",
    ].map { Array($0.utf8) }

    struct Outcome {
        var inputs = 0
        var wholeFileInputs = 0
        var loadsWithErrors = 0
        var cleanLoads = 0
    }

    static func fuzz(worker: Int) -> Outcome {
        var random = SplitMix64(seed: 0x5EED_0000 + UInt64(worker))
        let loader = ConfigLoader(fileSystem: fileSystem, options: LoadOptions(configID: "lb1"))
        var outcome = Outcome()
        for round in 0..<inputsPerWorker {
            let input: [UInt8]
            if round % 4 == 0 {
                input = randomBytes(&random)
            } else if round % 32 == 1 {
                input = mutate(wholeFiles[Int(random.next() % UInt64(wholeFiles.count))], &random)
                outcome.wholeFileInputs += 1
            } else {
                input = mutate(seeds[Int(random.next() % UInt64(seeds.count))], &random)
            }
            let result = loader.load(bytes: input, path: "fuzz.conf")
            check(result, round: round)
            if result.hasErrors { outcome.loadsWithErrors += 1 } else { outcome.cleanLoads += 1 }
            outcome.inputs += 1
        }
        return outcome
    }

    static func randomBytes(_ random: inout SplitMix64) -> [UInt8] {
        let count = Int(random.next() % 32)
        return (0..<count).map { _ in
            random.next() % 3 == 0 ? UInt8(truncatingIfNeeded: random.next()) : interesting[Int(random.next() % UInt64(interesting.count))]
        }
    }

    static func mutate(_ seed: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0...(random.next() % 3) {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 6 {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: random.next())
            case 1:
                bytes.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: position)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int(random.next() % 12))
                bytes.removeSubrange(min(position, end)..<end)
            case 3:
                bytes.insert(contentsOf: words[Int(random.next() % UInt64(words.count))], at: position)
            case 4 where !bytes.isEmpty:
                let start = min(position, bytes.count - 1)
                let end = min(bytes.count, start + Int(random.next() % 16))
                bytes.insert(contentsOf: bytes[start..<end], at: Int(random.next() % UInt64(bytes.count + 1)))
            default:
                bytes.insert(UInt8(ascii: "\n"), at: position)
            }
        }
        return bytes
    }

    /// What must hold for any input: every diagnostic points into a file that was read, at a
    /// line it has, and renders; a load without errors encodes to JSON.
    static func check(_ result: LoadResult, round: Int) {
        for diagnostic in result.diagnostics {
            guard let location = diagnostic.location else { continue }
            let file = Int(location.file)
            if !result.sources.files.indices.contains(file) || location.line < 1 || location.column < 1
                || Int(location.line) > result.sources.files[file].lineStarts.count {
                Issue.record("diagnostic outside its source: \(diagnostic)")
            }
        }
        if round % 64 == 0 { _ = result.rendered() }
        if !result.hasErrors && round % 256 == 0 {
            do { _ = try result.config.jsonData() } catch { Issue.record("clean load does not encode: \(error)") }
        }
    }

    @Test func loadingNeverCrashesOnAMillionInputs() async {
        let start = Date(), cpu = clock()
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for worker in 0..<Self.workers { group.addTask { Self.fuzz(worker: worker) } }
            var all: [Outcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let inputs = outcomes.reduce(0) { $0 + $1.inputs }
        let clean = outcomes.reduce(0) { $0 + $1.cleanLoads }
        let whole = outcomes.reduce(0) { $0 + $1.wholeFileInputs }
        #expect(inputs >= 1_000_000)
        #expect(whole >= inputs / 40, "only \(whole) mutations of whole files")
        // Mutations of valid pieces must still often load cleanly, or the fuzzer would only ever
        // exercise the error paths.
        #expect(clean > inputs / 50, "only \(clean) of \(inputs) inputs loaded without errors")
        print("fuzz: \(inputs) inputs (\(whole) mutated whole files), \(clean) clean, \(inputs - clean) with errors, \(Int(Date().timeIntervalSince(start))) s, \((clock() - cpu) / max(1, inputs)) µs CPU per input")
    }
}

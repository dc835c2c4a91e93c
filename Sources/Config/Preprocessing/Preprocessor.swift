// Turns the root file and everything it includes into one stream of tokens, doing what keepalived
// does to each line before parsing: multi-line `$NAME= \` definitions, `@id` / `@^id` conditional
// lines, `$NAME=VALUE` definitions, `~SEQ`/`~LST` repetition, `$NAME` substitution and `include`.

struct Preprocessor {
    /// An existential rather than a generic parameter: this code runs for every line, and a debug
    /// build pays for generic metadata on each call.
    let fileSystem: any ConfigFileSystem
    let configID: String?
    var sources = SourceFiles()
    var log = DiagnosticLog()
    var tokens: [Token] = []
    var parameters: ParameterTable

    /// Files being read, outermost first, with the include line that opened each.
    private var includeStack: [OpenFile] = []
    private var multiline: OpenDefinition?

    private struct OpenFile {
        var path: String
        var includedAt: SourceLocation?
    }

    private struct OpenDefinition {
        var name: String
        var value: [UInt8]
        var location: SourceLocation
    }
    /// Bounds that keep hostile input from looping or exhausting memory.
    static let maximumIncludeDepth = 32
    static let maximumTokens = 20_000_000
    static let maximumExpansionDepth = 16
    private var tokenLimitReported = false

    init(fileSystem: any ConfigFileSystem, configID: String?, randomSeed: UInt64) {
        self.fileSystem = fileSystem
        self.configID = configID
        self.parameters = ParameterTable(configID: configID, seed: randomSeed)
    }

    /// Reads the root file from the file system.
    mutating func run(path: String) {
        readFile(path: path, includedAt: nil)
    }

    /// Uses `text` as the root file's content; includes are still read from the file system.
    mutating func run(text: [UInt8], path: String) {
        processFile(bytes: text, path: path, includedAt: nil)
    }

    private mutating func readFile(path: String, includedAt: SourceLocation?) {
        let normalised = PathName.normalise(path)
        if let index = includeStack.firstIndex(where: { $0.path == normalised }) {
            let chain = (includeStack[index...].map(\.path) + [normalised]).joined(separator: " -> ")
            log.error("include cycle: \(chain)", at: includedAt,
                      notes: includeStack[index].includedAt.map { [.note("'\(normalised)' was first included here", at: $0)] } ?? [])
            return
        }
        guard includeStack.count < Self.maximumIncludeDepth else {
            log.error("includes nested more than \(Self.maximumIncludeDepth) deep", at: includedAt)
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.read(path)
        } catch {
            if let includedAt {
                log.error(error.description, at: includedAt)
            } else {
                log.add(Diagnostic(.error, error.description, at: nil, path: path))
            }
            return
        }
        processFile(bytes: bytes, path: path, includedAt: includedAt)
    }

    private mutating func processFile(bytes: [UInt8], path: String, includedAt: SourceLocation?) {
        let file = sources.add(path: path, bytes: bytes)
        // About one token per five bytes in a typical file; reserving avoids copying a large
        // token array while it grows.
        tokens.reserveCapacity(tokens.count + bytes.count / 5)
        includeStack.append(OpenFile(path: PathName.normalise(path), includedAt: includedAt))
        let savedDirectory = parameters.currentDirectory
        parameters.currentDirectory = PathName.directory(of: path)
        defer {
            includeStack.removeLast()
            parameters.currentDirectory = savedDirectory
        }
        let lineStarts = sources.files[Int(file)].lineStarts
        for (index, start) in lineStarts.enumerated() {
            var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = LineText(bytes: bytes[start..<max(start, end)], file: file,
                                line: Int32(index + 1), lineStart: start)
            if multiline != nil {
                continueMultiline(line)
            } else {
                processLine(line, depth: 0)
            }
        }
        if let open = multiline {
            log.warning("multi-line definition of '$\(open.name)' is still open at the end of the file", at: open.location)
            finishMultiline()
        }
    }

    // MARK: - Multi-line definitions

    private mutating func continueMultiline(_ line: LineText) {
        var bytes = Array(line.bytes)
        while let last = bytes.last, LineText.isSpace(last) { bytes.removeLast() }
        let continues = bytes.last == UInt8(ascii: "\\")
        if continues { bytes.removeLast() }
        if !multiline!.value.isEmpty { multiline!.value.append(UInt8(ascii: "\n")) }
        multiline!.value.append(contentsOf: bytes)
        if !continues { finishMultiline() }
    }

    private mutating func finishMultiline() {
        guard let open = multiline else { return }
        parameters.define(open.name, value: open.value, at: open.location)
        multiline = nil
    }

    // MARK: - One line

    private mutating func processLine(_ line: LineText, depth: Int) {
        var start = line.firstNonSpace(from: line.bytes.startIndex)
        guard start < line.bytes.endIndex else { return }
        let bytes = line.bytes

        // `@id rest` / `@^id rest`: the rest applies only when id is (or is not) the config id.
        if bytes[start] == UInt8(ascii: "@") && !line.isLiteral(at: start) {
            var end = start + 1
            while end < bytes.endIndex, !LineText.isSpace(bytes[end]) { end += 1 }
            var name = bytes[(start + 1)..<end]
            let negated = name.first == UInt8(ascii: "^")
            if negated { name = name.dropFirst() }
            if name.isEmpty {
                log.error("conditional line needs a config id after '\(negated ? "@^" : "@")'",
                          at: line.location(from: start, to: end))
                return
            }
            let matches = configID.map { Array($0.utf8) == Array(name) } ?? false
            guard matches != negated else { return }
            start = line.firstNonSpace(from: end)
            guard start < bytes.endIndex else { return }
        }

        // `$NAME=VALUE` (or `$NAME= \` to start a multi-line definition).
        if bytes[start] == UInt8(ascii: "$"), let definition = parseDefinition(line, at: start) {
            if definition.multiline {
                guard depth == 0 else {
                    log.error("a multi-line definition cannot start inside a substituted value", at: definition.location)
                    return
                }
                multiline = OpenDefinition(name: definition.name, value: [], location: definition.location)
            } else {
                parameters.define(definition.name, value: definition.value, at: definition.location)
            }
            return
        }

        if bytes[start] == UInt8(ascii: "~") && SequenceParser.startsSequence(bytes, at: start) {
            expandSequence(line, at: start, depth: depth)
            return
        }

        if depth < Self.maximumExpansionDepth {
            do throws(ParameterTable.SubstitutionError) {
                if let substituted = try parameters.substitute(line.suffix(from: start)) {
                    splitAndProcess(substituted, depth: depth + 1)
                    return
                }
            } catch {
                switch error {
                case .tooDeep(let name):
                    log.error("parameter '$\(name)' expands into itself (more than \(ParameterTable.maximumDepth) nested substitutions)",
                              at: line.location(from: start, to: bytes.endIndex))
                case .tooLong:
                    log.error("parameter substitution makes this line longer than \(ParameterTable.maximumLineLength) bytes",
                              at: line.location(from: start, to: bytes.endIndex))
                }
                return
            }
        } else {
            log.error("parameter substitution nested more than \(Self.maximumExpansionDepth) deep",
                      at: line.location(from: start, to: bytes.endIndex))
            return
        }

        emitTokens(line.suffix(from: start))
    }

    /// A substituted multi-line value becomes several lines, each processed on its own; all
    /// of them point at the reference that produced them.
    private mutating func splitAndProcess(_ line: LineText, depth: Int) {
        guard line.bytes.contains(UInt8(ascii: "\n")) else {
            processLine(line, depth: depth)
            return
        }
        let bytes = Array(line.bytes)
        let columns = line.columns ?? []
        var from = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
            let piece = LineText(mapped: Array(bytes[from..<index]), columns: Array(columns[from..<index]),
                                 file: line.file, line: line.line)
            processLine(piece, depth: depth)
            from = index + 1
        }
    }

    private struct Definition {
        var name: String
        var value: [UInt8]
        var multiline: Bool
        var location: SourceLocation
    }

    private func parseDefinition(_ line: LineText, at start: Int) -> Definition? {
        let bytes = line.bytes
        var i = start + 1
        guard i < bytes.endIndex, ParameterTable.isNameStart(bytes[i]) else { return nil }
        while i < bytes.endIndex, ParameterTable.isNameByte(bytes[i]) { i += 1 }
        guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "=") else { return nil }
        let name = String(decoding: bytes[(start + 1)..<i], as: UTF8.self)
        var value = Array(bytes[(i + 1)...])
        while let last = value.last, LineText.isSpace(last) { value.removeLast() }
        let location = line.location(from: start, to: i)
        if value.drop(while: LineText.isSpace).elementsEqual([UInt8(ascii: "\\")]) {
            return Definition(name: name, value: [], multiline: true, location: location)
        }
        return Definition(name: name, value: value, multiline: false, location: location)
    }

    private mutating func expandSequence(_ line: LineText, at start: Int, depth: Int) {
        let sequence: SequenceLine
        do throws(SequenceParser.Failure) {
            sequence = try SequenceParser.parse(line.bytes, at: start)
        } catch {
            switch error {
            case .tooMany:
                log.error("sequence produces more than \(SequenceParser.maximumPasses) lines", at: line.location(from: start, to: start + 4))
            case .malformed(let reason):
                log.error(reason, at: line.location(from: start, to: start + 4))
            }
            return
        }
        guard depth < Self.maximumExpansionDepth else {
            log.error("sequences nested more than \(Self.maximumExpansionDepth) deep", at: line.location(from: start, to: start + 4))
            return
        }
        let rest = line.suffix(from: sequence.restStart)
        for pass in sequence.passes {
            for (name, value) in pass {
                parameters.define(name, value: Array(value.utf8), at: line.location(from: start, to: start + 4))
            }
            processLine(rest, depth: depth + 1)
            if tokens.count > Self.maximumTokens { break }
        }
    }

    // MARK: - Tokens and includes


    private mutating func emitTokens(_ line: LineText) {
        guard tokens.count < Self.maximumTokens else {
            if !tokenLimitReported {
                tokenLimitReported = true
                log.error("configuration is too large (more than \(Self.maximumTokens) tokens)",
                          at: line.location(from: line.bytes.startIndex, to: line.bytes.startIndex + 1))
            }
            return
        }
        let first = tokens.count
        LineLexer.tokenize(line, into: &tokens, log: &log, bracesAreText: startsWithInclude(line))
        guard tokens.count > first else { return }
        if tokens[first].kind == .word, !tokens[first].quoted, IncludeKeywords.all.contains(tokens[first].text) {
            let include = Array(tokens[first...])
            tokens.removeSubrange(first...)
            handleInclude(include)
            return
        }
        tokens.append(Token(kind: .endOfLine, text: "", location: tokens[tokens.count - 1].location))
    }

    /// Include patterns may hold csh braces (`vrrp/{web,db}.conf`), so such lines keep braces as text.
    private func startsWithInclude(_ line: LineText) -> Bool {
        let start = line.firstNonSpace(from: line.bytes.startIndex)
        var end = start
        while end < line.bytes.endIndex, !LineText.isSpace(line.bytes[end]) { end += 1 }
        guard end - start >= 7, end - start <= 8, line.bytes[start] == UInt8(ascii: "i") else { return false }
        return IncludeKeywords.all.contains(String(decoding: line.bytes[start..<end], as: UTF8.self))
    }

    private mutating func handleInclude(_ line: [Token]) {
        let keyword = line[0]
        guard line.count == 2, line[1].kind == .word else {
            log.error("'\(keyword.text)' needs exactly one file name or pattern",
                      at: line.count > 2 ? line[2].location : keyword.location)
            return
        }
        let pattern = line[1].text
        let includingDirectory = PathName.directory(of: sources.path(of: keyword.location.file))
        let full = PathName.normalise(PathName.join(includingDirectory, pattern))
        var matched: [String] = []
        var seen = Set<String>()
        let candidates = Glob.hasBraces(full) ? Glob.expandBraces(full) : [full]
        var missingBraceAlternative: String?
        for candidate in candidates {
            let found: [String]
            if Glob.hasWildcards(candidate) {
                found = Glob.match(candidate, in: fileSystem)
            } else {
                found = ((try? fileSystem.read(candidate)) != nil) || fileSystem.entries(ofDirectory: candidate) != nil
                    ? [candidate] : []
            }
            if found.isEmpty, candidates.count > 1 { missingBraceAlternative = missingBraceAlternative ?? candidate }
            for path in found where seen.insert(PathName.normalise(path)).inserted { matched.append(path) }
        }
        let variant = keyword.text
        if matched.isEmpty {
            let wildcard = Glob.hasWildcards(full) || candidates.count > 1
            let message = wildcard ? "no file matches '\(pattern)'" : "cannot open '\(pattern)': no such file"
            // Plain `include` tolerates what is missing, as keepalived does; the checking variants do not.
            let strict = variant == "includea" || variant == "includem" || (variant == "includew")
                || (!wildcard && variant == "includer")
            if strict { log.error(message, at: line[1].location) } else { log.warning(message, at: line[1].location) }
            return
        }
        if let missingBraceAlternative, variant == "includeb" || variant == "includea" {
            log.error("no file matches '\(missingBraceAlternative)' from the brace expression in '\(pattern)'", at: line[1].location)
        }
        for path in matched {
            readFile(path: path, includedAt: line[1].location)
        }
    }
}

enum IncludeKeywords {
    static let all: Set<String> = ["include", "includer", "includem", "includew", "includeb", "includea"]
}

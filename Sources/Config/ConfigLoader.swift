// The entry point: read keepalived.conf (and its includes) through an injected file system, and
// return the resolved model with every diagnostic found on the way.
//
//   file system -> Preprocessor (lines, includes, @id, $VAR, ~SEQ) -> tokens
//   -> BlockTreeParser -> statements -> keyword tables (Schema/) -> KeepalivedConfig
//   -> ConfigResolver (defaults, inheritance) -> ConfigValidator (cross-block checks)

public struct LoadOptions: Sendable {
    /// The id that `@id` conditional lines are compared with (keepalived's `--config-id`).
    public var configID: String?
    /// Keywords accepted but not supported yet are errors rather than warnings.
    public var strict = false
    /// Seed for `${_RANDOM}`; a fixed default keeps loads repeatable.
    public var randomSeed: UInt64 = 0
    /// Asks the host whether an interface exists; nil skips the check. A missing interface is a
    /// warning, never an error: a configuration is judged on any machine. The closure is the only
    /// contact with the host, so the module itself stays free of I/O.
    public var interfaceExists: (@Sendable (String) -> Bool)?

    public init(configID: String? = nil, strict: Bool = false, randomSeed: UInt64 = 0,
                interfaceExists: (@Sendable (String) -> Bool)? = nil) {
        self.configID = configID
        self.strict = strict
        self.randomSeed = randomSeed
        self.interfaceExists = interfaceExists
    }
}

public struct LoadResult: Sendable {
    /// The model as far as it could be read; meaningful only when `hasErrors` is false.
    public var config: KeepalivedConfig
    /// In source order (files in the order they were read).
    public var diagnostics: [Diagnostic]
    public var sources: SourceFiles

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// All diagnostics as clang-style text.
    public func rendered(showingSourceLines: Bool = true) -> String {
        var renderer = DiagnosticRenderer(sources: sources)
        renderer.showsSourceLines = showingSourceLines
        return renderer.render(diagnostics)
    }
}

public struct ConfigLoader: Sendable {
    public let fileSystem: any ConfigFileSystem
    public var options: LoadOptions

    public init(fileSystem: any ConfigFileSystem = DiskFileSystem(), options: LoadOptions = LoadOptions()) {
        self.fileSystem = fileSystem
        self.options = options
    }

    /// Reads the configuration rooted at `path`.
    public func load(path: String) -> LoadResult {
        preprocess(fileSystem, root: .path(path))
    }

    /// Reads `text` as the root file named `path`; includes are read from the file system.
    public func load(text: String, path: String = "keepalived.conf") -> LoadResult {
        load(bytes: Array(text.utf8), path: path)
    }

    public func load(bytes: [UInt8], path: String = "keepalived.conf") -> LoadResult {
        preprocess(fileSystem, root: .text(bytes, path: path))
    }

    private enum Root {
        case path(String)
        case text([UInt8], path: String)
    }

    private func preprocess(_ fileSystem: any ConfigFileSystem, root: Root) -> LoadResult {
        var preprocessor = Preprocessor(fileSystem: fileSystem, configID: options.configID, randomSeed: options.randomSeed)
        switch root {
        case .path(let path): preprocessor.run(path: path)
        case .text(let bytes, let path): preprocessor.run(text: bytes, path: path)
        }
        return build(tokens: preprocessor.tokens, log: preprocessor.log, sources: preprocessor.sources)
    }

    /// Diagnostics without a place first, then by file, line and column; ties keep the order
    /// they were found in.
    static func sourceOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        /// Whether `next` belongs before `previous`.
        func outOfOrder(_ previous: Diagnostic, _ next: Diagnostic) -> Bool {
            switch (previous.location, next.location) {
            case (nil, _): return false
            case (_, nil): return true
            case let (p?, n?): return n < p
            }
        }
        // Usually already in order: then there is nothing to sort.
        var sorted = true
        for index in diagnostics.indices.dropFirst() where outOfOrder(diagnostics[index - 1], diagnostics[index]) {
            sorted = false
            break
        }
        if sorted { return diagnostics }
        return diagnostics.indices.sorted { i, j in
            let a = diagnostics[i], b = diagnostics[j]
            switch (a.location, b.location) {
            case (nil, nil): return i < j
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x == y ? i < j : x < y
            }
        }.map { diagnostics[$0] }
    }

    private func build(tokens: [Token], log: DiagnosticLog, sources: SourceFiles) -> LoadResult {
        var log = log
        let statements = BlockTreeParser.parse(tokens, grammar: SchemaGrammar(), log: &log)
        var context = BuildContext(sources: sources, strict: options.strict)
        context.log = log
        var config = KeepalivedConfig()
        TopLevelSchema.schema.apply(statements, to: &config, context: &context)
        ConfigResolver.resolve(&config)
        ConfigValidator.validate(config, log: &context.log)
        NotActedOnChecks.check(config, context: &context)
        if let interfaceExists = options.interfaceExists {
            HostChecks.checkInterfaces(config, exists: interfaceExists, log: &context.log)
        }
        config.unsupportedKeywords = context.unsupported
        let ordered = Self.sourceOrder(context.log.diagnostics)
        return LoadResult(config: config, diagnostics: ordered, sources: sources)
    }
}

// The table of keywords one block accepts, and the loop that applies it to the block's statements:
// look the keyword up, check its shape, warn on a repeated setting, record where it was written,
// and let the rule set its field. Unknown keywords get a suggestion; keywords keepalived knows
// but xdpha does not act on yet get a warning (an error under --strict), never silence.

protocol SourceMapped: SendableMetatype {
    var source: SourceMap { get set }
}

/// What the tree parser and the "did you mean" hints need to know of a block, without its model type.
struct SchemaInfo: Sendable {
    let name: String
    /// Every keyword the block accepts, including those not supported yet.
    let keywords: Set<String>
    /// The keywords read into the model (list blocks have none: their lines are entries).
    var supportedKeywords: Set<String> = []
    let child: @Sendable (String) -> SchemaInfo?
}

struct BlockSchema<Model: SourceMapped>: Sendable {
    /// How the block is named in messages: "vrrp_instance", "global_defs", "HTTP_GET".
    let name: String
    private(set) var rules: [String: KeywordRule<Model>] = [:]
    /// Canonical names of rules, for recording and duplicate detection under one name.
    private var canonical: [String: String] = [:]
    let notYetSupported: Set<String>
    /// Every keyword the block accepts, including those not supported yet.
    let keywordNames: Set<String>
    let suggestions: SuggestionCandidates

    init(_ name: String, _ rules: [KeywordRule<Model>], notYetSupported: [String] = []) {
        self.name = name
        for rule in rules {
            for spelling in [rule.name] + rule.aliases {
                precondition(self.rules[spelling] == nil, "keyword '\(spelling)' listed twice in \(name)")
                self.rules[spelling] = rule
                canonical[spelling] = rule.name
            }
        }
        self.notYetSupported = Set(notYetSupported).subtracting(self.rules.keys)
        self.supportedKeywordNames = Set(self.rules.keys)
        self.keywordNames = supportedKeywordNames.union(self.notYetSupported)
        self.suggestions = SuggestionCandidates(keywordNames)
    }

    /// Names of the supported keywords only (what a per-keyword test must cover).
    let supportedKeywordNames: Set<String>

    var info: SchemaInfo {
        let rules = self.rules
        return SchemaInfo(name: name, keywords: keywordNames, supportedKeywords: supportedKeywordNames,
                          child: { keyword in rules[keyword]?.subSchema?() })
    }

    func apply(_ statements: [Statement], to model: inout Model, context: inout BuildContext) {
        for statement in statements {
            // A block opened by a stray `{` was reported by the tree parser already.
            if statement.keyword.kind != .word { continue }
            let word = statement.keyword.text
            guard let rule = rules[word] else {
                if notYetSupported.contains(word) {
                    context.reportNotYetSupported(statement, in: name)
                } else {
                    context.reportUnknown(statement, in: self)
                }
                continue
            }
            let key = canonical[word] ?? word
            let location = statement.arguments.first?.location ?? statement.keyword.location
            if !rule.repeatable, let previous = model.source.keywords[key] {
                context.log.warning("'\(word)' is set more than once in this '\(name)' block; the last one wins",
                                    at: statement.keyword.location, notes: [.note("previously set here", at: previous)])
            }
            // Recorded even when the value is rejected below, so that checks which look for a
            // missing keyword do not repeat the error.
            model.source.keywords[key] = location
            switch rule.shape {
            case .value:
                if let block = statement.block {
                    context.log.error("'\(word)' does not take a block", at: block.open.location)
                    continue
                }
            case .block:
                if statement.block == nil {
                    context.log.error("'\(word)' needs a '{ ... }' block", at: statement.keyword.location)
                    continue
                }
            }
            rule.apply(&model, statement, &context)
        }
    }
}

extension KeywordRule {
    /// The schema of the block this keyword opens, for brace recovery and hints.
    var subSchema: (@Sendable () -> SchemaInfo)? {
        if let nestedSchema { return nestedSchema }
        guard let names = blockKeywords else { return nil }
        let name = self.name
        return { @Sendable in SchemaInfo(name: name, keywords: names(), child: { _ in nil }) }
    }
}

extension BuildContext {
    mutating func reportNotYetSupported(_ statement: Statement, in block: String) {
        let message = "'\(statement.keyword.text)' is accepted but not supported yet"
        if strict {
            log.error(message + " (--strict)", at: statement.keyword.location)
        } else {
            log.warning(message, at: statement.keyword.location)
        }
        let location = statement.keyword.location
        unsupported.append("\(sources.path(of: location.file)):\(location.line): \(block) \(statement.keyword.text)")
    }

    mutating func reportUnknown<Model>(_ statement: Statement, in schema: BlockSchema<Model>) {
        let word = statement.keyword.text
        let place = schema.name == TopLevelSchema.name ? "at the top level" : "in '\(schema.name)'"
        if let suggestion = Suggestions.closest(to: word, among: schema.suggestions) {
            log.error("unknown keyword '\(word)' \(place); did you mean '\(suggestion)'?", at: statement.keyword.location)
            return
        }
        let homes = SchemaDirectory.blocks(accepting: word).filter { $0 != schema.name }
        if !homes.isEmpty {
            let places = homes.map { $0 == "the top level" ? "at the top level" : "in '\($0)'" }
            let list = places.count <= 3 ? places.joined(separator: " or ")
                : places.prefix(2).joined(separator: ", ") + " or \(places.count - 2) other blocks"
            let missingBrace = homes == ["the top level"] ? "; is a '}' missing before it?" : ""
            log.error("'\(word)' is not valid \(place); it belongs \(list)\(missingBrace)", at: statement.keyword.location)
            return
        }
        log.error("unknown keyword '\(word)' \(place)", at: statement.keyword.location)
    }
}

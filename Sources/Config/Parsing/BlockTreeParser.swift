// Builds the statement/block tree from tokens. A statement is the words of one line; `{` opens a
// block for the statement on its line, or for the statement on the line before; words after `{` or
// `}` on the same line start a new statement, so `track_script { chk }` works as keepalived allows.
// When braces are unbalanced, a keyword that belongs to an enclosing block closes the blocks
// in between, and the error points at the block that was left open.

struct BlockTreeParser {
    static let maximumDepth = 64

    private struct Frame {
        var owner: Statement
        var statements: [Statement] = []
    }

    private var stack: [Frame] = []
    private var root: [Statement] = []
    private var current: Statement?
    /// True right after a line ended with a complete statement: a `{` on the next line opens its block.
    private var awaitingBrace = false
    private var lastClosed: Statement?
    /// Closing braces still missing, counted from the whole token stream; recovery may only
    /// assume this many.
    private var missingCloses = 0
    private var overflowDepth = 0

    static func parse(_ tokens: [Token], grammar: some BlockGrammar, log: inout DiagnosticLog) -> [Statement] {
        var parser = BlockTreeParser()
        var balance = 0
        for token in tokens {
            if token.kind == .openBrace { balance += 1 } else if token.kind == .closeBrace { balance -= 1 }
        }
        parser.missingCloses = max(0, balance)
        for token in tokens {
            parser.consume(token, grammar: grammar, log: &log)
        }
        parser.finish(log: &log)
        return parser.root
    }

    private mutating func append(_ statement: Statement) {
        if stack.isEmpty { root.append(statement) } else { stack[stack.count - 1].statements.append(statement) }
    }

    private mutating func flushCurrent() {
        if let statement = current {
            append(statement)
            current = nil
        }
    }

    private mutating func consume(_ token: Token, grammar: some BlockGrammar, log: inout DiagnosticLog) {
        switch token.kind {
        case .word:
            awaitingBrace = false
            if current != nil {
                current!.arguments.append(token)
                return
            }
            recoverIfMisplaced(token, grammar: grammar, log: &log)
            current = Statement(keyword: token, arguments: [], block: nil)

        case .openBrace:
            var owner: Statement
            if let statement = current {
                owner = statement
                current = nil
            } else if awaitingBrace, let last = lastAppended(), last.block == nil {
                owner = last
                removeLastAppended()
            } else {
                log.error("'{' does not follow a keyword", at: token.location)
                owner = Statement(keyword: Token(kind: .openBrace, text: "{", location: token.location), arguments: [], block: nil)
            }
            awaitingBrace = false
            if stack.count >= Self.maximumDepth {
                if overflowDepth == 0 {
                    log.error("blocks are nested more than \(Self.maximumDepth) deep", at: token.location)
                }
                overflowDepth += 1
                append(owner)
                return
            }
            owner.block = Block(open: token, close: nil, statements: [])
            stack.append(Frame(owner: owner))

        case .closeBrace:
            flushCurrent()
            awaitingBrace = false
            if overflowDepth > 0 {
                overflowDepth -= 1
                return
            }
            guard var frame = stack.popLast() else {
                var notes: [Diagnostic] = []
                if let lastClosed, let close = lastClosed.block?.close {
                    notes.append(.note("the last block, '\(lastClosed.title)', was closed here", at: close.location))
                    notes.append(.note("'\(lastClosed.title)' starts here", at: lastClosed.keyword.location))
                }
                log.error("unexpected '}': no block is open here", at: token.location, notes: notes)
                return
            }
            frame.owner.block!.close = token
            frame.owner.block!.statements = frame.statements
            lastClosed = frame.owner
            append(frame.owner)

        case .endOfLine:
            if current != nil {
                flushCurrent()
                awaitingBrace = true
            } else {
                awaitingBrace = false
            }
        }
    }

    /// A keyword that the innermost block does not know but an enclosing block does, while braces
    /// are missing, means the blocks in between were not closed.
    private mutating func recoverIfMisplaced(_ keyword: Token, grammar: some BlockGrammar, log: inout DiagnosticLog) {
        guard missingCloses > 0, !stack.isEmpty, !keyword.quoted else { return }
        let path = stack.map(\.owner.keyword.text)
        if let inner = grammar.keywords(atPath: path), inner.contains(keyword.text) { return }
        var keep = path.count - 1
        while keep >= 0 {
            if let known = grammar.keywords(atPath: Array(path.prefix(keep))), known.contains(keyword.text) { break }
            keep -= 1
        }
        guard keep >= 0 else { return }
        let toClose = min(path.count - keep, missingCloses)
        for _ in 0..<toClose {
            var frame = stack.removeLast()
            let enclosing = stack.last.map { "'\($0.owner.title)'" } ?? "the top level"
            log.error("'\(frame.owner.title)' is missing its closing '}'", at: frame.owner.keyword.location,
                      notes: [.note("'\(keyword.text)' belongs to \(enclosing), so the block must end before it",
                                    at: keyword.location)])
            frame.owner.block!.statements = frame.statements
            append(frame.owner)
            missingCloses -= 1
        }
    }

    private mutating func finish(log: inout DiagnosticLog) {
        flushCurrent()
        while var frame = stack.popLast() {
            log.error("'\(frame.owner.title)' is missing its closing '}' (the file ends inside it)",
                      at: frame.owner.keyword.location)
            frame.owner.block!.statements = frame.statements
            append(frame.owner)
        }
    }

    private func lastAppended() -> Statement? {
        stack.isEmpty ? root.last : stack[stack.count - 1].statements.last
    }

    private mutating func removeLastAppended() {
        if stack.isEmpty { root.removeLast() } else { stack[stack.count - 1].statements.removeLast() }
    }
}

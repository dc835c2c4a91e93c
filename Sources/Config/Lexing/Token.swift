// The lexer's output: words (quotes already removed), braces, and line ends, each with its place.

public struct Token: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, Sendable {
        case word, openBrace, closeBrace, endOfLine
    }

    public var kind: Kind
    /// The word's text with quotes removed and escapes decoded; "{" / "}" for braces; "" at a line end.
    public var text: String
    public var location: SourceLocation
    /// Whether any part of the word was quoted: a quoted "{" is a word, not a brace.
    public var quoted: Bool

    public init(kind: Kind, text: String, location: SourceLocation, quoted: Bool = false) {
        self.kind = kind
        self.text = text
        self.location = location
        self.quoted = quoted
    }

    public var description: String {
        switch kind {
        case .word: return quoted ? "\"\(text)\"" : text
        case .openBrace: return "{"
        case .closeBrace: return "}"
        case .endOfLine: return "⏎"
        }
    }
}

// The lexer reads lines as keepalived does: comments anywhere, braces as tokens, quotes that
// keep spaces and decode escapes, and columns that point at the right byte.
import Testing
@testable import Config

@Suite struct LexerTests {
    private func tokens(_ line: String) -> (tokens: [Token], log: DiagnosticLog) {
        var log = DiagnosticLog()
        var tokens: [Token] = []
        let bytes = Array(line.utf8)
        LineLexer.tokenize(LineText(bytes: bytes[...], file: 0, line: 1, lineStart: 0), into: &tokens, log: &log)
        return (tokens, log)
    }

    @Test func wordsAndColumns() {
        let (tokens, _) = tokens("    priority\t150")
        #expect(tokens.map(\.text) == ["priority", "150"])
        #expect(tokens.map(\.location.column) == [5, 14])
        #expect(tokens.map(\.location.length) == [8, 3])
    }

    @Test func commentsStartAnywhereOutsideQuotes() {
        #expect(tokens("state MASTER # the master").tokens.map(\.text) == ["state", "MASTER"])
        #expect(tokens("state MASTER! bang").tokens.map(\.text) == ["state", "MASTER"])
        #expect(tokens("script \"/bin/echo #1 !2\"").tokens.map(\.text) == ["script", "/bin/echo #1 !2"])
    }

    @Test func bracesAreTokensOfTheirOwn() {
        let (tokens, _) = tokens("track_script {chk_a chk_b}")
        #expect(tokens.map(\.kind) == [.word, .openBrace, .word, .word, .closeBrace])
        #expect(tokens[2].text == "chk_a")
    }

    @Test func quotedBraceIsAWord() {
        let (tokens, _) = tokens("misc_path \"{\"")
        #expect(tokens.map(\.kind) == [.word, .word])
        #expect(tokens[1].text == "{" && tokens[1].quoted)
    }

    @Test func quotesJoinWithAdjacentText() {
        // keepalived.conf(5): abcd" efg h jkl "mnop is one string.
        #expect(tokens("abcd\" efg h jkl \"mnop").tokens.map(\.text) == ["abcd efg h jkl mnop"])
        #expect(tokens("abcd \"efg h jkl\" mnop").tokens.map(\.text) == ["abcd", "efg h jkl", "mnop"])
        #expect(tokens("'single \"quoted\"'").tokens.map(\.text) == ["single \"quoted\""])
    }

    @Test func escapesInQuotes() {
        let text = tokens(#"x "a\tb\x41\101\"q\\\cA""#).tokens[1].text
        #expect(Array(text.utf8) == Array("a\tbAA\"q\\".utf8) + [0x01])
    }

    @Test func unterminatedQuoteIsReportedAtTheQuote() {
        let (tokens, log) = tokens("script \"/bin/true")
        #expect(tokens.map(\.text) == ["script", "/bin/true"])
        #expect(log.diagnostics.map(\.description) == ["1:8: error: missing terminating \" character"])
    }

    @Test func undefinedParameterKeepsItsBraces() {
        #expect(tokens("notify ${UNDEFINED}/x").tokens.map(\.text) == ["notify", "${UNDEFINED}/x"])
    }
}

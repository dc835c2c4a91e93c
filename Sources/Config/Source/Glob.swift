// Expansion of include patterns as glob(3) with GLOB_BRACE does it: csh-style braces first, then
// `*`, `?` and `[...]` matched one path component at a time against directory listings.

enum Glob {
    /// Whether the pattern has anything to expand (otherwise it names one file).
    static func hasWildcards(_ pattern: String) -> Bool {
        pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    static func hasBraces(_ pattern: String) -> Bool {
        pattern.contains("{") && pattern.contains("}")
    }

    /// `a{b,c{d,e}}f` -> `abf`, `acdf`, `acef`. Unbalanced braces are kept literally. The number of
    /// results is capped so that a hostile pattern cannot explode.
    static func expandBraces(_ pattern: String, limit: Int = 4096) -> [String] {
        let chars = Array(pattern)
        guard let open = chars.firstIndex(of: "{") else { return [pattern] }
        var depth = 0
        var close: Int?
        var commas: [Int] = []
        for i in open..<chars.count {
            switch chars[i] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { close = i }
            case "," where depth == 1: commas.append(i)
            default: break
            }
            if close != nil { break }
        }
        guard let close else { return [pattern] }
        let prefix = String(chars[..<open])
        let suffix = String(chars[(close + 1)...])
        var alternatives: [String] = []
        var start = open + 1
        for comma in commas + [close] {
            alternatives.append(String(chars[start..<comma]))
            start = comma + 1
        }
        var results: [String] = []
        for alternative in alternatives {
            for expanded in expandBraces(prefix + alternative + suffix, limit: limit) {
                results.append(expanded)
                if results.count >= limit { return results }
            }
        }
        return results
    }

    /// Matches a path pattern against the file system; results are sorted like glob(3).
    static func match(_ pattern: String, in fileSystem: some ConfigFileSystem, limit: Int = 4096) -> [String] {
        let absolute = pattern.hasPrefix("/")
        let components = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var paths: [String] = [absolute ? "/" : ""]
        for (index, component) in components.enumerated() {
            let isLast = index == components.count - 1
            var next: [String] = []
            for base in paths {
                if !hasWildcards(component) {
                    next.append(base.isEmpty ? component : PathName.join(base, component))
                    continue
                }
                let directory = base.isEmpty ? "." : base
                for name in (fileSystem.entries(ofDirectory: directory) ?? []).sorted()
                where matches(name: name, pattern: component) {
                    next.append(base.isEmpty ? name : PathName.join(base, name))
                    if next.count >= limit { break }
                }
            }
            paths = next
            if paths.isEmpty { return [] }
            if !isLast { paths = paths.filter { fileSystem.entries(ofDirectory: $0) != nil } }
        }
        return paths
    }

    /// fnmatch(3) on one path component: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`; a leading dot must be
    /// matched explicitly.
    static func matches(name: String, pattern: String) -> Bool {
        let n = Array(name.utf8)
        let p = Array(pattern.utf8)
        if n.first == UInt8(ascii: "."), p.first != UInt8(ascii: ".") { return false }
        var ni = 0, pi = 0
        var starP = -1, starN = 0
        while ni < n.count {
            if pi < p.count {
                switch p[pi] {
                case UInt8(ascii: "*"):
                    starP = pi; starN = ni; pi += 1
                    continue
                case UInt8(ascii: "?"):
                    ni += 1; pi += 1
                    continue
                case UInt8(ascii: "["):
                    if let (matched, end) = matchClass(p, from: pi, byte: n[ni]) {
                        if matched { ni += 1; pi = end; continue }
                    } else if n[ni] == p[pi] {
                        ni += 1; pi += 1; continue
                    }
                case let c where c == n[ni]:
                    ni += 1; pi += 1
                    continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            starN += 1
            ni = starN
            pi = starP + 1
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Returns whether `byte` is in the bracket expression at `start`, and the index after it;
    /// nil when the bracket is not closed (then it is an ordinary character).
    private static func matchClass(_ p: [UInt8], from start: Int, byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count {
            if p[i] == UInt8(ascii: "]"), !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                if p[i] <= byte && byte <= p[i + 2] { matched = true }
                i += 3
            } else {
                if p[i] == byte { matched = true }
                i += 1
            }
        }
        return nil
    }
}

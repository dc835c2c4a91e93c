// "did you mean 'priority'?": the closest known keyword by edit distance, when close enough to be
// a plausible typo rather than a different word. Candidates are prepared once per keyword table,
// and the distance stops as soon as it exceeds what would count as a typo, because a mistyped or
// garbled keyword is the common case on bad input.

struct SuggestionCandidates: Sendable {
    fileprivate let names: [String]
    fileprivate let lowered: [[UInt8]]
    /// Per candidate, which byte classes occur: one edit changes at most two of them, so words
    /// whose sets differ in more than twice the allowed edits cannot be close. This rules out
    /// most candidates with one XOR instead of a distance table.
    fileprivate let masks: [UInt64]
    /// Per candidate, how often each byte class occurs (32 classes, flattened): the counts
    /// bound the distance from below more tightly than the masks.
    fileprivate let histograms: [UInt8]

    init(_ names: some Sequence<String>) {
        self.names = names.sorted()
        self.lowered = self.names.map { Array($0.lowercased().utf8) }
        self.masks = lowered.map(Suggestions.mask)
        self.histograms = lowered.flatMap(Suggestions.histogram)
    }
}

enum Suggestions {
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        closest(to: word, among: SuggestionCandidates(candidates))
    }

    static func closest(to word: String, among candidates: SuggestionCandidates) -> String? {
        let lowered = Array(word.lowercased().utf8)
        guard !lowered.isEmpty, lowered.count <= 64 else { return nil }
        // Keywords and names are letters, digits, '_', '-' and '.'; a word with anything else is
        // not a typo of one (and garbage input need not pay for the search).
        guard lowered.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        // A typo of a short word changes most of it; allow one edit per three characters, at least one.
        let allowed = max(1, lowered.count / 3)
        var best: (index: Int, distance: Int)?
        var rows: DistanceRows?
        let wordMask = mask(lowered)
        let counts = histogram(lowered)
        for index in candidates.lowered.indices {
            let candidate = candidates.lowered[index]
            guard abs(candidate.count - lowered.count) <= allowed else { continue }
            let bound = min(allowed, (best?.distance ?? allowed + 1) - 1)
            guard bound >= 0 else { break }
            guard ((wordMask ^ candidates.masks[index]).nonzeroBitCount + 1) / 2 <= bound,
                  histogramDistance(counts, candidates.histograms, at: index * 32) <= bound else { continue }
            if rows == nil { rows = DistanceRows(capacity: 66) }
            let distance = rows!.distance(lowered, candidate, bound: bound)
            if distance <= bound { best = (index, distance) }
        }
        return best.map { candidates.names[$0.index] }
    }

    static func histogram(_ bytes: [UInt8]) -> [UInt8] {
        var counts = [UInt8](repeating: 0, count: 32)
        for byte in bytes { counts[Int(byte & 31)] &+= 1 }
        return counts
    }

    /// No fewer edits than this turn one histogram into the other (each edit adds or removes
    /// at most one character of each side).
    static func histogramDistance(_ word: [UInt8], _ all: [UInt8], at offset: Int) -> Int {
        word.withUnsafeBufferPointer { word in
            all.withUnsafeBufferPointer { all in
                var extra = 0, missing = 0, index = 0
                while index < 32 {
                    let difference = Int(word[index]) - Int(all[offset + index])
                    if difference > 0 { extra += difference } else { missing -= difference }
                    index += 1
                }
                return extra > missing ? extra : missing
            }
        }
    }

    static func mask(_ bytes: [UInt8]) -> UInt64 {
        var mask: UInt64 = 0
        for byte in bytes { mask |= 1 << UInt64(byte & 63) }
        return mask
    }

    /// Damerau-Levenshtein distance (adjacent swaps count once); stops early beyond `bound`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], bound: Int = .max) -> Int {
        var rows = DistanceRows(capacity: max(a.count, b.count) + 2)
        return rows.distance(a, b, bound: bound)
    }
}

/// Three reusable rows of the distance table, so a search over many candidates allocates once.
/// The table is walked through unsafe buffers: this runs for every mistyped keyword, and array
/// subscripts dominate its cost in a debug build.
private struct DistanceRows {
    var storage: [Int]
    var width: Int

    init(capacity: Int) {
        width = capacity
        storage = [Int](repeating: 0, count: 3 * capacity)
    }

    mutating func distance(_ a: [UInt8], _ b: [UInt8], bound: Int) -> Int {
        if abs(a.count - b.count) > bound { return bound + 1 }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        if b.count + 1 > width { self = DistanceRows(capacity: b.count + 2) }
        let width = self.width
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                storage.withUnsafeMutableBufferPointer { rows in
                    let base = rows.baseAddress!
                    var previous2 = base, previous = base + width, current = base + 2 * width
                    let n = a.count, m = b.count
                    var j = 0
                    while j <= m { previous[j] = j; j += 1 }
                    var i = 1
                    while i <= n {
                        current[0] = i
                        var rowMinimum = i
                        let ai = a[i - 1]
                        j = 1
                        while j <= m {
                            let bj = b[j - 1]
                            var value = previous[j - 1] + (ai == bj ? 0 : 1)
                            let deletion = previous[j] + 1, insertion = current[j - 1] + 1
                            if deletion < value { value = deletion }
                            if insertion < value { value = insertion }
                            if i > 1, j > 1, ai == b[j - 2], a[i - 2] == bj, previous2[j - 2] + 1 < value {
                                value = previous2[j - 2] + 1
                            }
                            current[j] = value
                            if value < rowMinimum { rowMinimum = value }
                            j += 1
                        }
                        if rowMinimum > bound { return bound + 1 }
                        (previous2, previous, current) = (previous, current, previous2)
                        i += 1
                    }
                    return previous[m]
                }
            }
        }
    }
}

// `status_code 200-299 302`: the HTTP status codes that count as healthy.
public struct StatusCodeSet: Sendable, Hashable, CustomStringConvertible {
    public private(set) var ranges: [ClosedRange<Int>]

    public init(_ ranges: [ClosedRange<Int>]) { self.ranges = ranges }

    /// keepalived's default: any 2xx.
    public static let success = StatusCodeSet([200...299])

    /// Parses the words after `status_code`: codes and `LOW-HIGH` ranges, each within 100...599.
    public init(parsing words: [String]) throws(StatusCodeSetError) {
        var ranges: [ClosedRange<Int>] = []
        for word in words.flatMap({ $0.split(separator: " ").map(String.init) }) {
            let parts = word.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 1 || parts.count == 2,
                  let low = Int(parts[0]), let high = Int(parts.last!),
                  (100...599).contains(low), (100...599).contains(high), low <= high else {
                throw StatusCodeSetError(word: word)
            }
            ranges.append(low...high)
        }
        guard !ranges.isEmpty else { throw StatusCodeSetError(word: "") }
        self.ranges = ranges
    }

    public func contains(_ status: Int) -> Bool { ranges.contains { $0.contains(status) } }

    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: " ")
    }
}

public struct StatusCodeSetError: Error, Equatable, CustomStringConvertible {
    public let word: String
    public var description: String {
        word.isEmpty ? "status_code needs at least one code or range"
                     : "status_code: '\(word)' is not a code or LOW-HIGH range within 100-599"
    }
}

import Foundation

// FILE_CHECK (track_file): the file holds a number. With weight 0 a non-zero number is down
// and 0 is up; with a weight the number times the weight (negated by `reverse`) is added to the
// real's weight. A missing or non-numeric file is down.
public struct FileChecker: HealthChecker {
    public let options: FileCheckOptions

    public init(options: FileCheckOptions) { self.options = options }

    public func check() async -> CheckOutcome {
        guard let data = FileManager.default.contents(atPath: options.path) else {
            return .down("FILE_CHECK \(options.path): cannot read the file")
        }
        return FileChecker.verdict(String(decoding: data, as: UTF8.self), options: options)
    }

    public static func verdict(_ content: String, options: FileCheckOptions) -> CheckOutcome {
        let word = content.split(whereSeparator: { $0.isWhitespace }).first.map(String.init) ?? ""
        guard let value = Int64(word) else {
            return .down("FILE_CHECK \(options.path): '\(word.prefix(40))' is not a number")
        }
        if options.weight == 0 {
            return value == 0 ? .up() : .down("FILE_CHECK \(options.path): value \(value)")
        }
        let multiplier = Int64(options.weight) * (options.reverse ? -1 : 1)
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        let negative = (value < 0) != (multiplier < 0)
        let clamped = overflow ? (negative ? Int64(Int32.min) : Int64(Int32.max))
                               : max(Int64(Int32.min), min(Int64(Int32.max), product))
        return .up(.add(Int(clamped)))
    }
}

// One finding about a configuration: an error (the file is rejected), a warning (it loads, but
// something deserves attention) or a note (context, or a fact worth knowing).

public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error

        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.note, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    public var message: String
    /// Nil when the finding concerns no particular place (a file that cannot be opened).
    public var location: SourceLocation?
    /// Set when `location` is nil: the path the finding is about.
    public var path: String?
    /// Follow-up notes that point at related places ("opened here").
    public var notes: [Diagnostic]

    public init(_ severity: Severity, _ message: String, at location: SourceLocation?,
                path: String? = nil, notes: [Diagnostic] = []) {
        self.severity = severity
        self.message = message
        self.location = location
        self.path = path
        self.notes = notes
    }

    public static func error(_ message: String, at location: SourceLocation?, notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location, notes: notes)
    }

    public static func warning(_ message: String, at location: SourceLocation?, notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: location, notes: notes)
    }

    public static func note(_ message: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.note, message, at: location)
    }

    public var description: String {
        let place = location.map { "\($0.line):\($0.column): " } ?? ""
        return "\(place)\(severity.rawValue): \(message)"
    }
}

/// Collects diagnostics while a configuration is read.
struct DiagnosticLog {
    private(set) var diagnostics: [Diagnostic] = []
    /// Bounded so that a hostile input cannot make the report grow without limit.
    static let limit = 1000

    var errorCount: Int { diagnostics.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) } }

    mutating func add(_ diagnostic: Diagnostic) {
        if diagnostics.count < Self.limit { diagnostics.append(diagnostic) }
    }

    mutating func error(_ message: String, at location: SourceLocation?, notes: [Diagnostic] = []) {
        add(.error(message, at: location, notes: notes))
    }

    mutating func warning(_ message: String, at location: SourceLocation?, notes: [Diagnostic] = []) {
        add(.warning(message, at: location, notes: notes))
    }

    mutating func note(_ message: String, at location: SourceLocation?) {
        add(.note(message, at: location))
    }
}

// Why keepalived virtual servers cannot be served by a data path (XDP DR or IPVS): every refused
// block with where it was written and what to change.
import Config

/// One virtual_server (or one of its parts) a data path refuses.
public struct ServiceProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where the block was written, when the configuration recorded it.
    public var location: SourceLocation?
    /// "FILE:LINE" of `location`, filled in when the file names are known.
    public var place: String?
    /// The block as written: "virtual_server 192.0.2.50 80".
    public var subject: String
    public var reason: String

    public init(location: SourceLocation?, subject: String, reason: String) {
        self.location = location
        self.subject = subject
        self.reason = reason
    }

    /// "FILE:LINE: " when placed, "line N: " when only the line is known (the daemon's log).
    public var description: String {
        let prefix = place.map { "\($0): " } ?? location.map { "line \($0.line): " } ?? ""
        return prefix + "\(subject): \(reason)"
    }
}

public struct ServiceMappingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [ServiceProblem]
    /// The path that refused: "the XDP DR path" or "IPVS".
    public var path: String

    public init(problems: [ServiceProblem], path: String = "the XDP DR path") {
        self.problems = problems
        self.path = path
    }

    /// The same problems with their places spelled as "FILE:LINE" from the load's file table.
    public func placed(in sources: SourceFiles) -> ServiceMappingError {
        var copy = self
        for index in copy.problems.indices {
            if let location = copy.problems[index].location {
                copy.problems[index].place = "\(sources.path(of: location.file)):\(location.line)"
            }
        }
        return copy
    }

    public var description: String {
        let count = problems.count
        return "\(count) virtual_server problem\(count == 1 ? "" : "s") for \(path):\n"
            + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}

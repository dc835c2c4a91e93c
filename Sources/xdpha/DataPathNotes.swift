// What `check-config` adds about the data paths: which virtual servers `xdpha run` (default
// --dataplane auto) hands to IPVS and why, and what IPVS would refuse among them. Notes and
// warnings only: the file is judged as keepalived would, the path is chosen at run time.
import Config
import Dataplane

enum DataPathNotes {
    static func lines(for result: LoadResult) -> [String] {
        let split = DataPathSplit.split(result.config, mode: .auto)
        var lines = split.decisions.filter { $0.path == .ipvs }.map { decision in
            place(decision.location, in: result.sources)
                + "note: \(decision.subject) is served by IPVS (kernel module ip_vs) under --dataplane auto: \(decision.reason)"
        }
        do {
            _ = try IPVSMapping.map(split.ipvs)
        } catch {
            lines += error.placed(in: result.sources).problems.map { problem in
                (problem.place.map { "\($0): " } ?? "") + "warning: \(problem.subject): \(problem.reason) (xdpha run refuses this)"
            }
        }
        return lines
    }

    private static func place(_ location: SourceLocation?, in sources: SourceFiles) -> String {
        location.map { "\(sources.path(of: $0.file)):\($0.line): " } ?? ""
    }
}

// Which vrrp_scripts, track_files and vrrp_track_processes each vrrp_instance watches, and with what weight: the
// instance's own track_script / track_file entries, plus those of its vrrp_sync_group. Pure: built
// from the parsed configuration, tested without running anything.
//
// keepalived's rules: an entry's `weight N [reverse]` replaces the tracked object's own weight
// and reverse. A sync group's trackers put every member in FAULT on failure; their
// weights count only with sync_group_tracking_weight.
import Config
import HealthCheck
import VRRP

struct TrackerWatch: Sendable, Hashable {
    enum Source: Sendable, Hashable {
        case script(String)
        case file(String)
        case process(String)
    }

    let source: Source
    let weight: Int
    let reverse: Bool

    /// The name the state machine keeps this tracker under (unique per instance).
    var trackerName: String {
        switch source {
        case .script(let name): return "script \(name)"
        case .file(let name): return "file \(name)"
        case .process(let name): return "process \(name)"
        }
    }

    /// What this watch makes of the tracked object's state, as the state machine takes it.
    /// Scripts and processes are up or down; the rule is the same.
    func status(scriptUp: Bool) -> TrackerStatus {
        Self.status(trackerName, TrackerEffect.of(isUp: scriptUp, weight: weight, reverse: reverse))
    }

    func status(fileValue: Int64) -> TrackerStatus {
        Self.status(trackerName, TrackerEffect.ofTrackedFile(value: fileValue, weight: weight, reverse: reverse))
    }

    /// TrackerStatus counts a positive weight while up and a negative one while down, and
    /// weight 0 while down as FAULT: every effect has exactly one such form.
    static func status(_ name: String, _ effect: TrackerEffect) -> TrackerStatus {
        switch effect {
        case .none, .adjustPriority(0): return TrackerStatus(name: name, weight: 0, isUp: true)
        case .fault: return TrackerStatus(name: name, weight: 0, isUp: false)
        case .adjustPriority(let delta): return TrackerStatus(name: name, weight: delta, isUp: delta > 0)
        }
    }
}

enum TrackerWatches {
    /// Instance name -> what it watches. Entries naming an unknown script or file are left out
    /// (the configuration checks report them).
    static func plan(_ config: KeepalivedConfig) -> [String: [TrackerWatch]] {
        let scripts = Dictionary(config.vrrpScripts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let files = Dictionary(config.trackFiles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let processes = Dictionary(config.trackProcesses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        func watches(scripts entries: [Tracker], files fileEntries: [Tracker], processes processEntries: [Tracker],
                     groupWeights: Bool?) -> [TrackerWatch] {
            var result: [TrackerWatch] = []
            for entry in entries {
                guard let script = scripts[entry.name] else { continue }
                let weight = groupWeights == false ? 0 : entry.weight ?? script.weight
                result.append(TrackerWatch(source: .script(entry.name), weight: weight, reverse: entry.weight == nil ? script.reverse : entry.reverse))
            }
            for entry in fileEntries {
                guard let file = files[entry.name] else { continue }
                let weight = groupWeights == false ? 0 : entry.weight ?? file.weight
                result.append(TrackerWatch(source: .file(entry.name), weight: weight, reverse: entry.weight == nil ? file.reverse : entry.reverse))
            }
            for entry in processEntries {
                guard let process = processes[entry.name] else { continue }
                let weight = groupWeights == false ? 0 : entry.weight ?? process.weight
                result.append(TrackerWatch(source: .process(entry.name), weight: weight,
                                           reverse: entry.weight == nil ? process.reverse : entry.reverse))
            }
            return result
        }

        var plan: [String: [TrackerWatch]] = [:]
        for instance in config.vrrpInstances {
            var list = watches(scripts: instance.trackScripts, files: instance.trackFiles,
                               processes: instance.trackProcesses, groupWeights: nil)
            for group in config.vrrpSyncGroups where group.members.contains(instance.name) {
                for watch in watches(scripts: group.trackScripts, files: group.trackFiles,
                                     processes: group.trackProcesses, groupWeights: group.syncGroupTrackingWeight)
                where !list.contains(where: { $0.source == watch.source }) {
                    list.append(watch)
                }
            }
            if !list.isEmpty { plan[instance.name] = list }
        }
        return plan
    }
}

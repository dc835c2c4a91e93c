// Runs the vrrp_scripts and follows the track_files and vrrp_track_processes that vrrp_instances watch, and tells each
// instance's runner when what it watches changes. The rules (rise/fall, weights, reverse, what
// a file's value means) are pure and live elsewhere (ScriptTracker, TrackerEffect,
// TrackerWatches); this actor only owns the loops and the delivery.
//
// A reload replaces the loops; a script or file whose definition did not change keeps its
// state, so an unchanged configuration moves no priority.
import Config
import Foundation
import HealthCheck
import Logging
import VRRP

actor VRRPTrackers {
    private let directory: RunnerDirectory
    private let logger: Logger
    private var watches: [String: [TrackerWatch]] = [:]
    private var scripts: [String: ScriptState] = [:]
    private var files: [String: FileState] = [:]
    private var processes: [String: ProcessTrackerState] = [:]
    private var loops: [Task<Void, Never>] = []

    private struct ScriptState {
        var definition: VRRPScript
        var tracker: ScriptTracker
        /// Refused by script security or never startable: keepalived drops such a script from
        /// tracking instead of holding its instances down.
        var disabled = false
    }

    private struct FileState {
        var definition: TrackFile
        var value: Int64
    }

    init(directory: RunnerDirectory, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// Starts (or, on reload, restarts) tracking for `config`; the runners of the instances
    /// that watch something get the current state right away.
    func apply(_ config: KeepalivedConfig) {
        for loop in loops { loop.cancel() }
        loops.removeAll()
        watches = TrackerWatches.plan(config)
        var wantedScripts: Set<String> = [], wantedFiles: Set<String> = [], wantedProcesses: Set<String> = []
        for watch in watches.values.joined() {
            switch watch.source {
            case .script(let name): wantedScripts.insert(name)
            case .file(let name): wantedFiles.insert(name)
            case .process(let name): wantedProcesses.insert(name)
            }
        }

        var keptScripts: [String: ScriptState] = [:]
        for script in config.vrrpScripts where wantedScripts.contains(script.name) {
            if let known = scripts[script.name], known.definition == script {
                keptScripts[script.name] = known
            } else {
                keptScripts[script.name] = ScriptState(definition: script, tracker: ScriptTracker(
                    rise: script.rise, fall: script.fall, weight: script.weight, reverse: script.reverse, initFail: script.initFail))
            }
        }
        scripts = keptScripts

        var keptFiles: [String: FileState] = [:]
        for file in config.trackFiles where wantedFiles.contains(file.name) {
            if let known = files[file.name], known.definition == file {
                keptFiles[file.name] = known
            } else {
                TrackedFileValue.initialise(file, logger: logger)
                keptFiles[file.name] = FileState(definition: file, value: TrackedFileValue.read(file.file, logger: logger))
            }
        }
        files = keptFiles

        var keptProcesses: [String: ProcessTrackerState] = [:]
        let table = wantedProcesses.isEmpty ? [] : ProcessTable.scan()
        for definition in config.trackProcesses where wantedProcesses.contains(definition.name) {
            let matcher = ProcessMatcher(definition: definition)
            if let known = processes[definition.name], known.matcher == matcher {
                keptProcesses[definition.name] = known
            } else {
                // The first look decides at once; the delays are for changes after it.
                keptProcesses[definition.name] = ProcessTrackerState(matcher, isUp: matcher.isUp(count: table.filter(matcher.matches).count))
            }
        }
        processes = keptProcesses

        let runner = ScriptRunner(policy: ScriptPolicy(defaultUser: config.global.scriptUser?.user,
                                                       defaultGroup: config.global.scriptUser?.group,
                                                       enforceSecurity: config.global.enableScriptSecurity))
        for state in scripts.values where !state.disabled {
            let script = state.definition
            loops.append(Task { [weak self] in await self?.runScript(script, runner: runner) })
        }
        if !files.isEmpty {
            loops.append(Task { [weak self] in await self?.followFiles() })
        }
        if !processes.isEmpty {
            loops.append(Task { [weak self] in await self?.followProcesses() })
        }
        deliverAll()
    }

    /// Sends every watching runner the current state of what it watches (after the runners
    /// of a new generation are in the directory).
    func deliverAll() {
        for runner in directory.all {
            for watch in watches[runner.plan.name] ?? [] {
                guard let status = status(of: watch) else { continue }
                runner.send(.event(.trackerChanged(status)))
            }
        }
    }

    func stop() {
        for loop in loops { loop.cancel() }
        loops.removeAll()
    }

    // MARK: loops

    private nonisolated func runScript(_ script: VRRPScript, runner: ScriptRunner) async {
        let command = ScriptCommand(script.script, user: script.user?.user, group: script.user?.group)
        let interval = Duration.milliseconds(Int64(max(script.interval, 0.01) * 1000))
        let timeout = Duration.milliseconds(Int64(max(script.timeout, 0.01) * 1000))
        while !Task.isCancelled {
            let result = await runner.run(command, timeout: timeout)
            guard !Task.isCancelled else { return }
            await record(script.name, result)
            if case .refused = result { return }
            try? await Task.sleep(for: interval)
        }
    }

    /// keepalived follows track_files with inotify; polling the file's identity every 100 ms
    /// is as quick for a person or a script writing it, and survives the file being replaced.
    private nonisolated func followFiles() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            await rereadFiles()
        }
    }

    private nonisolated func followProcesses() async {
        let started = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let table = ProcessTable.scan()
            let elapsed = ContinuousClock.now - started
            await countProcesses(table, at: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    private func countProcesses(_ table: [ProcessTable.Entry], at now: Double) {
        for (name, var state) in processes {
            let count = table.filter(state.matcher.matches).count
            let changed = state.observe(count: count, at: now)
            processes[name] = state
            guard changed else { continue }
            logger.notice("vrrp_track_process \(name): \(count) running, now \(state.isUp ? "up" : "down")")
            deliver(.process(name))
        }
    }

    private func record(_ name: String, _ result: ScriptRunner.Result) {
        guard var state = scripts[name] else { return }
        if case .refused(let reason) = result {
            logger.error("vrrp_script \(name) disabled: \(reason); instances tracking it ignore it")
            state.disabled = true
            scripts[name] = state
            deliver(.script(name))
            return
        }
        if case .timedOut = result { logger.info("vrrp_script \(name) timed out") }
        let changed = state.tracker.record(success: result == .exited(0))
        scripts[name] = state
        if changed {
            logger.notice("vrrp_script \(name) is now \(state.tracker.isUp ? "up" : "down")")
            deliver(.script(name))
        }
    }

    private func rereadFiles() {
        for (name, var state) in files {
            let value = TrackedFileValue.read(state.definition.file, logger: logger, quiet: true)
            guard value != state.value else { continue }
            logger.notice("track_file \(name): \(state.value) -> \(value)")
            state.value = value
            files[name] = state
            deliver(.file(name))
        }
    }

    private func deliver(_ source: TrackerWatch.Source) {
        for runner in directory.all {
            for watch in watches[runner.plan.name] ?? [] where watch.source == source {
                guard let status = status(of: watch) else { continue }
                runner.send(.event(.trackerChanged(status)))
            }
        }
    }

    private func status(of watch: TrackerWatch) -> TrackerStatus? {
        switch watch.source {
        case .script(let name):
            guard let state = scripts[name] else { return nil }
            if state.disabled { return TrackerWatch.status(watch.trackerName, .none) }
            return watch.status(scriptUp: state.tracker.isUp)
        case .file(let name):
            guard let state = files[name] else { return nil }
            return watch.status(fileValue: state.value)
        case .process(let name):
            guard let state = processes[name] else { return nil }
            return watch.status(scriptUp: state.isUp)
        }
    }
}

/// A track_file's value: the integer at the start of the file; a missing, empty or unreadable
/// file counts as 0, as in keepalived.
enum TrackedFileValue {
    static func read(_ path: String, logger: Logger, quiet: Bool = false) -> Int64 {
        guard let data = FileManager.default.contents(atPath: path) else {
            if !quiet { logger.info("track_file \(path) cannot be read; its value is 0") }
            return 0
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ text: String) -> Int64 {
        let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var digits = trimmed.prefix { $0.isNumber || $0 == "-" || $0 == "+" }
        if let sign = digits.first, sign == "-" || sign == "+" {
            digits = digits.prefix(1) + digits.dropFirst().prefix { $0.isNumber }
        } else {
            digits = digits.prefix { $0.isNumber }
        }
        return Int64(digits) ?? 0
    }

    /// `init_file [VALUE] [overwrite]`: writes VALUE (0 if not given) when the file is missing,
    /// or always with `overwrite`.
    static func initialise(_ file: TrackFile, logger: Logger) {
        guard let value = file.initialValue else { return }
        guard file.overwrite || !FileManager.default.fileExists(atPath: file.file) else { return }
        do {
            try "\(value)\n".write(toFile: file.file, atomically: true, encoding: .utf8)
        } catch {
            logger.warning("track_file \(file.name): cannot write the initial value to \(file.file): \(error)")
        }
    }
}

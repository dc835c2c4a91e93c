import Foundation
import Subprocess
#if canImport(Glibc)
import Glibc
#endif
#if canImport(System)
import System
#else
import SystemPackage
#endif

// Runs keepalived-style scripts: the command line through /bin/sh, as the configured user (or
// script_user, or keepalived_script when that user exists, else root), in a session of its own so
// that a timeout ends the script and everything it started (SIGTERM, then SIGKILL).
public struct ScriptRunner: Sendable {
    public var policy: ScriptPolicy
    /// How long a script gets after SIGTERM before SIGKILL.
    public var terminationGrace: Duration

    public init(policy: ScriptPolicy = ScriptPolicy(), terminationGrace: Duration = .milliseconds(200)) {
        self.policy = policy
        self.terminationGrace = terminationGrace
    }

    public enum Result: Sendable, Hashable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
        /// Not started: unknown user, failed security check, spawn failure.
        case refused(String)
    }

    /// Runs `script` and waits for it, at most `timeout` (nil: no limit).
    public func run(_ script: ScriptCommand, timeout: Duration?) async -> Result {
        let identity: Identity
        switch resolveIdentity(script) {
        case .success(let found): identity = found
        case .failure(let error): return .refused(error.reason)
        }
        if policy.enforceSecurity {
            if case .failure(let violation) = ScriptSecurity.check(program: script.program, uid: identity.uid, gid: identity.gid) {
                return .refused(violation.description)
            }
        }
        var options = PlatformOptions()
        if identity.uid != geteuid() || identity.gid != getegid() {
            options.userID = identity.uid
            options.groupID = identity.gid
            options.supplementaryGroups = []
        }
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: terminationGrace)]
        let finalOptions = options
        let operation: @Sendable () async -> Result = {
            do {
                let outcome = try await Subprocess.run(.path(FilePath("/bin/sh")),
                                                       arguments: ["-c", script.commandLine],
                                                       platformOptions: finalOptions,
                                                       output: .discarded, error: .discarded)
                switch outcome.terminationStatus {
                case .exited(let code): return .exited(code)
                case .signaled(let signal): return .signaled(signal)
                }
            } catch {
                return .refused("\(error)")
            }
        }
        guard let timeout else { return await operation() }
        return await withTaskGroup(of: Result?.self) { group in
            group.addTask { await operation() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .timedOut
            }
            var result: Result = .timedOut
            if let first = await group.next(), let value = first { result = value }
            // Cancelling the run tears the script's session down before the group ends.
            group.cancelAll()
            return result
        }
    }

    struct Identity: Hashable {
        var uid: uid_t
        var gid: gid_t
    }

    struct IdentityError: Error, Hashable { let reason: String }

    func resolveIdentity(_ script: ScriptCommand) -> Swift.Result<Identity, IdentityError> {
        let userName = script.user ?? policy.defaultUser ?? (ScriptRunner.lookupUser("keepalived_script") != nil ? "keepalived_script" : nil)
        guard let userName else { return .success(Identity(uid: 0, gid: 0)) }
        guard let user = ScriptRunner.lookupUser(userName) else { return .failure(IdentityError(reason: "script user \(userName) does not exist")) }
        let groupName = script.user != nil ? script.group : (script.group ?? policy.defaultGroup)
        if let groupName {
            guard let gid = ScriptRunner.lookupGroup(groupName) else { return .failure(IdentityError(reason: "script group \(groupName) does not exist")) }
            return .success(Identity(uid: user.uid, gid: gid))
        }
        return .success(user)
    }

    static func lookupUser(_ name: String) -> Identity? {
        if let numeric = UInt32(name) { return Identity(uid: numeric, gid: numeric) }
        guard let entry = getpwnam(name) else { return nil }
        return Identity(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    static func lookupGroup(_ name: String) -> gid_t? {
        if let numeric = UInt32(name) { return numeric }
        return getgrnam(name)?.pointee.gr_gid
    }
}

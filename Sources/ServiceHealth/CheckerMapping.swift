// One checker block of keepalived.conf as HealthCheck runs it. Config has resolved the timing
// (inheritance and per-type defaults) and the MISC_CHECK timeout; what is left is shape: hex
// strings to bytes, status-code ranges to sets, a track_file name to its file, SMTP's helo_name
// falling back to global_defs' smtp_helo_name.
import Config
import HealthCheck

public enum CheckerMapping {
    /// What a checker inherits from around it.
    public struct Context: Sendable {
        public var server: VirtualServer
        public var real: RealServer
        public var global: GlobalDefinitions
        public var trackFiles: [String: TrackFile]

        public init(server: VirtualServer, real: RealServer, global: GlobalDefinitions = GlobalDefinitions(),
                    trackFiles: [String: TrackFile] = [:]) {
            self.server = server
            self.real = real
            self.global = global
            self.trackFiles = trackFiles
        }
    }

    public struct Problem: Error, Hashable {
        public var reason: String
    }

    public static func configuration(of checker: Config.HealthChecker, _ context: Context) throws(Problem) -> CheckerConfiguration {
        CheckerConfiguration(try kind(of: checker, context), connection: connection(of: checker),
                             timing: timing(of: checker, context))
    }

    /// Every value written out: HealthCheck then has nothing left to default or inherit.
    static func timing(of checker: Config.HealthChecker, _ context: Context) -> CheckTiming {
        let timing = checker.timing
        return CheckTiming(delayLoop: .seconds(timing.delayLoop), connectTimeout: .seconds(timing.connectTimeout),
                           retry: timing.retry, delayBeforeRetry: .seconds(timing.delayBeforeRetry),
                           warmup: .seconds(timing.warmup),
                           alpha: checker.alpha ?? context.real.alpha ?? context.server.alpha)
    }

    static func connection(of checker: Config.HealthChecker) -> ConnectionOptions {
        ConnectionOptions(connectIP: checker.connectIP.map { "\($0)" }, connectPort: checker.connectPort,
                          bindTo: checker.bindTo.map { "\($0)" }, bindPort: checker.bindPort,
                          fwmark: checker.fwmark.map { UInt32(truncatingIfNeeded: $0) })
    }

    static func kind(of checker: Config.HealthChecker, _ context: Context) throws(Problem) -> CheckKind {
        switch checker.type {
        case .tcp: return .tcp
        case .ping: return .ping
        case .http, .ssl:
            let http = checker.http ?? HTTPCheck()
            let urls = http.urls.map { url in
                HealthCheck.URLCheck(path: url.path, digest: url.digest,
                                     statusCodes: StatusCodeSet(url.statusCodes.map { $0.from...$0.to }),
                                     virtualhost: url.virtualhost)
            }
            guard !urls.isEmpty else { throw Problem(reason: "no url block") }
            let version = http.httpProtocol.flatMap(HTTPProtocolVersion.init(rawValue:)) ?? .http11
            let tls = checker.type == .ssl ? TLSOptions(enableSNI: http.enableSNI) : nil
            return .http(HTTPCheckOptions(urls: urls, httpProtocol: version, virtualhost: http.virtualhost, tls: tls))
        case .smtp:
            return .smtp(SMTPCheckOptions(heloName: checker.smtp?.heloName ?? context.global.smtpHeloName))
        case .dns:
            let dns = checker.dns ?? DNSCheck()
            guard let type = DNSRecordType(keyword: dns.type) else { throw Problem(reason: "unknown DNS type \(dns.type)") }
            return .dns(DNSCheckOptions(type: type, name: dns.name))
        case .misc:
            let misc = checker.misc ?? MiscCheck()
            guard !misc.path.isEmpty else { throw Problem(reason: "no misc_path") }
            let script = ScriptCommand(misc.path, user: misc.user?.user, group: misc.user?.group)
            return .misc(MiscCheckOptions(script: script, timeout: misc.timeout.map { .seconds($0) }, dynamic: misc.dynamic))
        case .udp:
            return .udp(try udp(checker.udp ?? UDPCheck()))
        case .file:
            let file = checker.file ?? FileCheck()
            guard let tracked = context.trackFiles[file.trackFile] else {
                throw Problem(reason: "track_file \(file.trackFile) is not defined")
            }
            // The checker's own weight (and reverse) over the track_file block's.
            let weight = file.weight ?? tracked.weight
            let reverse = file.weight != nil ? file.reverse : tracked.reverse
            return .file(FileCheckOptions(path: tracked.file, weight: weight, reverse: reverse))
        }
    }

    private static func udp(_ udp: UDPCheck) throws(Problem) -> UDPCheckOptions {
        var payload: [UInt8]?
        if let text = udp.payload {
            do { payload = try HexPattern(parsing: text, allowWildcards: false).literalBytes } catch {
                throw Problem(reason: "payload: \(error)")
            }
        }
        var reply: HexPattern?
        if udp.requiresReply {
            do { reply = try udp.requireReply.map { try HexPattern(parsing: $0) } ?? .anyReply } catch {
                throw Problem(reason: "require_reply: \(error)")
            }
        }
        return UDPCheckOptions(payload: payload, requireReply: reply, minReplyLength: udp.minimumReplyLength,
                               maxReplyLength: udp.maximumReplyLength)
    }
}

// Reads `ipvsadm -Ln` back into the model, so that the kernel's table as ipvsadm sees it can be
// compared with what the client wrote. Only the columns -Ln prints are read (no thresholds).
@testable import IPVS

enum IpvsadmListing {
    struct ParseError: Error, CustomStringConvertible {
        let line: String
        var description: String { "cannot read ipvsadm line: \(line)" }
    }

    static func parse(_ text: String) throws -> IPVSState {
        var servers: [IPVSVirtualServer] = []
        for line in text.split(separator: "\n").map(String.init) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first else { continue }
            if line.hasPrefix("IP Virtual Server") || first == "Prot" || line.contains("RemoteAddress") { continue }
            if first == "->" {
                guard !servers.isEmpty, fields.count >= 4, let (addressText, port) = splitPort(fields[1]),
                      let realAddress = IPVSAddress(addressText), let weight = Int(fields[3]),
                      let forwarding = forwardingNames[fields[2]] else { throw ParseError(line: line) }
                servers[servers.count - 1].destinations.append(
                    IPVSDestination(realAddress, port: port, forwarding: forwarding, weight: weight))
            } else {
                servers.append(IPVSVirtualServer(try service(fields, line: line)))
            }
        }
        return IPVSState(servers).canonical
    }

    static let forwardingNames: [String: IPVSForwarding] = [
        "Route": .directRoute, "Masq": .masquerade, "Tunnel": .tunnel, "Local": .local,
    ]

    private static func service(_ fields: [String], line: String) throws -> IPVSService {
        var rest = fields[...]
        let key: IPVSServiceKey
        switch rest.popFirst() {
        case "FWM":
            guard let mark = rest.popFirst().flatMap({ UInt32($0) }) else { throw ParseError(line: line) }
            var family = IPVSAddressFamily.inet
            if rest.first == "IPv6" { family = .inet6; rest.removeFirst() }
            key = .firewallMark(mark, family: family)
        case let name?:
            guard let proto = ["TCP": IPVSProtocol.tcp, "UDP": .udp, "SCTP": .sctp][name],
                  let (addressText, port) = rest.popFirst().flatMap(splitPort),
                  let serviceAddress = IPVSAddress(addressText) else { throw ParseError(line: line) }
            key = .address(proto, serviceAddress, port: port)
        case nil:
            throw ParseError(line: line)
        }
        guard let scheduler = rest.popFirst() else { throw ParseError(line: line) }
        var service = IPVSService(key, scheduler: scheduler)
        while let word = rest.popFirst() {
            switch word {
            case "persistent":
                guard let timeout = rest.popFirst().flatMap({ UInt32($0) }) else { throw ParseError(line: line) }
                service.persistence = IPVSPersistence(timeout: timeout)
            case "mask":
                guard let mask = rest.popFirst() else { throw ParseError(line: line) }
                service.persistence?.granularity = try prefixLength(mask, line: line)
            case "pe":
                service.persistenceEngine = rest.popFirst()
            case "ops":
                service.options.insert(.onePacket)
            default:
                // Scheduler flags: "(sh-fallback,sh-port)".
                for flag in word.trimmingCharacters(in: ["(", ")"]).split(separator: ",") {
                    if flag.hasSuffix("fallback") || flag == "flag-1" { service.options.insert(.schedulerFlag1) }
                    else if flag.hasSuffix("port") || flag == "flag-2" { service.options.insert(.schedulerFlag2) }
                    else if flag == "flag-3" { service.options.insert(.schedulerFlag3) }
                    else { throw ParseError(line: line) }
                }
            }
        }
        return service
    }

    /// "255.255.255.0" (IPv4) or "64" (IPv6) as a prefix length.
    private static func prefixLength(_ mask: String, line: String) throws -> Int {
        if let bits = Int(mask) { return bits }
        guard let parsed = IPVSAddress(mask), parsed.family == .inet else { throw ParseError(line: line) }
        return parsed.bytes.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// "192.0.2.1:80" or "[2001:db8::1]:80".
    private static func splitPort(_ text: String) -> (String, UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}

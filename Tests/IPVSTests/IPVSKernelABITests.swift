// The numbers in IPVSKernel against the installed <linux/ip_vs.h>, read as text: the enums there
// count up from their first member, which this parser follows.
import Foundation
import Testing
@testable import IPVS

@Suite struct IPVSKernelABITests {
    static let headerPath = "/usr/include/linux/ip_vs.h"
    static let header = try? String(contentsOfFile: headerPath, encoding: .utf8)

    /// Every enum member of the header with its value.
    static let enumValues: [String: Int] = {
        guard let header else { return [:] }
        var values: [String: Int] = [:]
        var next: Int?
        for rawLine in header.split(separator: "\n") {
            let line = rawLine.split(separator: "/*").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.hasPrefix("enum") { next = 0; continue }
            if line.hasPrefix("}") { next = nil; continue }
            guard let current = next, line.hasSuffix(","), let first = line.first, first.isLetter || first == "_" else { continue }
            let parts = line.dropLast().split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            let value = parts.count == 2 ? Int(parts[1]) ?? current : current
            values[parts[0]] = value
            next = value + 1
        }
        return values
    }()

    func expectMember(_ name: String, _ value: some BinaryInteger) {
        #expect(Self.enumValues[name] == Int(value), "\(name)")
    }

    @Test(.enabled(if: header != nil, "needs \(headerPath) (package linux-libc-dev)"))
    func commandsMatchTheHeader() {
        expectMember("IPVS_CMD_NEW_SERVICE", IPVSKernel.Command.newService.rawValue)
        expectMember("IPVS_CMD_SET_SERVICE", IPVSKernel.Command.setService.rawValue)
        expectMember("IPVS_CMD_DEL_SERVICE", IPVSKernel.Command.delService.rawValue)
        expectMember("IPVS_CMD_GET_SERVICE", IPVSKernel.Command.getService.rawValue)
        expectMember("IPVS_CMD_NEW_DEST", IPVSKernel.Command.newDest.rawValue)
        expectMember("IPVS_CMD_SET_DEST", IPVSKernel.Command.setDest.rawValue)
        expectMember("IPVS_CMD_DEL_DEST", IPVSKernel.Command.delDest.rawValue)
        expectMember("IPVS_CMD_GET_DEST", IPVSKernel.Command.getDest.rawValue)
        expectMember("IPVS_CMD_FLUSH", IPVSKernel.Command.flush.rawValue)
        expectMember("IPVS_CMD_ATTR_SERVICE", IPVSKernel.CommandAttribute.service.rawValue)
        expectMember("IPVS_CMD_ATTR_DEST", IPVSKernel.CommandAttribute.dest.rawValue)
    }

    @Test(.enabled(if: header != nil, "needs \(headerPath) (package linux-libc-dev)"))
    func attributesMatchTheHeader() {
        let service: [(String, IPVSKernel.ServiceAttribute)] = [
            ("AF", .af), ("PROTOCOL", .protocol), ("ADDR", .addr), ("PORT", .port), ("FWMARK", .fwmark),
            ("SCHED_NAME", .schedName), ("FLAGS", .flags), ("TIMEOUT", .timeout), ("NETMASK", .netmask),
            ("STATS", .stats), ("PE_NAME", .peName), ("STATS64", .stats64),
        ]
        for (name, attribute) in service { expectMember("IPVS_SVC_ATTR_\(name)", attribute.rawValue) }
        let destination: [(String, IPVSKernel.DestinationAttribute)] = [
            ("ADDR", .addr), ("PORT", .port), ("FWD_METHOD", .fwdMethod), ("WEIGHT", .weight),
            ("U_THRESH", .uThresh), ("L_THRESH", .lThresh), ("ACTIVE_CONNS", .activeConns),
            ("ADDR_FAMILY", .addrFamily), ("TUN_TYPE", .tunType), ("TUN_FLAGS", .tunFlags),
        ]
        for (name, attribute) in destination { expectMember("IPVS_DEST_ATTR_\(name)", attribute.rawValue) }
    }

    @Test(.enabled(if: header != nil, "needs \(headerPath) (package linux-libc-dev)"))
    func flagsAndForwardingMatchTheHeader() throws {
        let header = try #require(Self.header)
        func define(_ name: String) -> Int? {
            for line in header.split(separator: "\n") where line.hasPrefix("#define \(name)") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 3, fields[1] == name else { continue }
                return Int(fields[2].replacingOccurrences(of: "0x", with: ""), radix: fields[2].hasPrefix("0x") ? 16 : 10)
            }
            return nil
        }
        #expect(define("IP_VS_SVC_F_PERSISTENT") == Int(IPVSKernel.persistentFlag))
        #expect(define("IP_VS_SVC_F_ONEPACKET") == Int(IPVSServiceOptions.onePacket.rawValue))
        #expect(define("IP_VS_SVC_F_SCHED1") == Int(IPVSServiceOptions.schedulerFlag1.rawValue))
        #expect(define("IP_VS_CONN_F_MASQ") == Int(IPVSForwarding.masquerade.rawValue))
        #expect(define("IP_VS_CONN_F_TUNNEL") == Int(IPVSForwarding.tunnel.rawValue))
        #expect(define("IP_VS_CONN_F_DROUTE") == Int(IPVSForwarding.directRoute.rawValue))
        #expect(define("IPVS_GENL_VERSION") == Int(IPVSKernel.familyVersion))
        #expect(define("IP_VS_SCHEDNAME_MAXLEN") == IPVSKernel.schedulerNameMaxLength)
    }
}

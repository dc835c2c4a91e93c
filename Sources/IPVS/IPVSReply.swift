// Reading the kernel's dump replies (one service or one real server per message) back into
// the model. Attributes this model does not hold (statistics, tunnel details) are skipped.

enum IPVSReply {
    private typealias Service = IPVSKernel.ServiceAttribute
    private typealias Destination = IPVSKernel.DestinationAttribute

    /// One message of a service dump: its attributes after the generic netlink header.
    static func service(from message: [UInt8]) throws(IPVSError) -> IPVSService {
        guard let attributes = try NetlinkAttributes(message).nested(IPVSKernel.CommandAttribute.service.rawValue) else {
            throw .malformedReply("service message without IPVS_CMD_ATTR_SERVICE")
        }
        guard let rawFamily = try attributes.u16(Service.af.rawValue),
              let family = IPVSAddressFamily(rawValue: rawFamily) else {
            throw .malformedReply("service without a known address family")
        }
        let key: IPVSServiceKey
        if let mark = try attributes.u32(Service.fwmark.rawValue), mark != 0 {
            key = .firewallMark(mark, family: family)
        } else {
            guard let rawProtocol = try attributes.u16(Service.protocol.rawValue),
                  let proto = IPVSProtocol(rawValue: rawProtocol) else {
                throw .malformedReply("service with an unknown protocol")
            }
            guard let addressBytes = attributes[Service.addr.rawValue], addressBytes.count >= family.addressLength,
                  let address = IPVSAddress(family: family, bytes: addressBytes.prefix(family.addressLength)),
                  let port = try attributes.bigEndianU16(Service.port.rawValue) else {
                throw .malformedReply("service without address or port")
            }
            key = .address(proto, address, port: port)
        }
        guard let scheduler = attributes.string(Service.schedName.rawValue),
              let flagBytes = attributes[Service.flags.rawValue], flagBytes.count >= 4 else {
            throw .malformedReply("service \(key) without scheduler or flags")
        }
        let flags = NetlinkAttributes.u32(flagBytes, 0)
        var persistence: IPVSPersistence?
        if flags & IPVSKernel.persistentFlag != 0 {
            let granularity = try attributes[Service.netmask.rawValue].map { payload throws(IPVSError) in
                try IPVSNetmask.decode(payload, family: family)
            }
            persistence = IPVSPersistence(timeout: try attributes.u32(Service.timeout.rawValue) ?? 0,
                                          granularity: granularity ?? nil)
        }
        let engine = attributes.string(Service.peName.rawValue).flatMap { $0.isEmpty ? nil : $0 }
        return IPVSService(key, scheduler: scheduler, persistence: persistence,
                           options: IPVSServiceOptions(rawValue: flags).intersection(.modelled),
                           persistenceEngine: engine)
    }

    /// One message of a real-server dump of a service of `family`.
    static func destination(from message: [UInt8], serviceFamily family: IPVSAddressFamily) throws(IPVSError) -> IPVSDestination {
        guard let attributes = try NetlinkAttributes(message).nested(IPVSKernel.CommandAttribute.dest.rawValue) else {
            throw .malformedReply("real server message without IPVS_CMD_ATTR_DEST")
        }
        // Kernels before 4.x send no family: the real server then shares the service's.
        let rawFamily = try attributes.u16(Destination.addrFamily.rawValue) ?? family.rawValue
        guard let addressFamily = IPVSAddressFamily(rawValue: rawFamily),
              let addressBytes = attributes[Destination.addr.rawValue], addressBytes.count >= addressFamily.addressLength,
              let address = IPVSAddress(family: addressFamily, bytes: addressBytes.prefix(addressFamily.addressLength)),
              let port = try attributes.bigEndianU16(Destination.port.rawValue) else {
            throw .malformedReply("real server without address or port")
        }
        guard let method = try attributes.u32(Destination.fwdMethod.rawValue),
              let forwarding = IPVSForwarding(rawValue: method & IPVSKernel.forwardingMask),
              let weight = try attributes.u32(Destination.weight.rawValue) else {
            throw .malformedReply("real server \(address) without forwarding method or weight")
        }
        return IPVSDestination(address, port: port, forwarding: forwarding, weight: Int(Int32(bitPattern: weight)),
                               upperThreshold: try attributes.u32(Destination.uThresh.rawValue) ?? 0,
                               lowerThreshold: try attributes.u32(Destination.lThresh.rawValue) ?? 0)
    }
}

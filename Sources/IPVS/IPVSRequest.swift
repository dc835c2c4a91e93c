// The generic netlink requests IPVS understands, built as (command, dump flag, attributes):
// the same messages ipvsadm and keepalived send. No I/O here.

struct IPVSRequest: Equatable {
    var command: IPVSKernel.Command
    /// NLM_F_DUMP: the kernel answers with one message per entry.
    var dump: Bool = false
    /// The attributes after the generic netlink header.
    var attributes: [UInt8] = []

    /// What the request does, for error messages: "add service TCP 192.0.2.1:80".
    var operation: String

    static func listServices() -> IPVSRequest {
        IPVSRequest(command: .getService, dump: true, operation: "list services")
    }

    static func listDestinations(of key: IPVSServiceKey) -> IPVSRequest {
        IPVSRequest(command: .getDest, dump: true,
                    attributes: serviceAttribute { $0.putServiceKey(key) },
                    operation: "list real servers of \(key)")
    }

    static func add(_ service: IPVSService) -> IPVSRequest {
        IPVSRequest(command: .newService, attributes: serviceAttribute { $0.putService(service) },
                    operation: "add service \(service.key)")
    }

    /// The kernel replaces every setting of the service with the ones sent.
    static func update(_ service: IPVSService) -> IPVSRequest {
        IPVSRequest(command: .setService, attributes: serviceAttribute { $0.putService(service) },
                    operation: "change service \(service.key)")
    }

    static func removeService(_ key: IPVSServiceKey) -> IPVSRequest {
        IPVSRequest(command: .delService, attributes: serviceAttribute { $0.putServiceKey(key) },
                    operation: "remove service \(key)")
    }

    static func add(_ destination: IPVSDestination, to key: IPVSServiceKey) -> IPVSRequest {
        IPVSRequest(command: .newDest, attributes: destinationAttributes(key) { $0.putDestination(destination) },
                    operation: "add real server \(destination.key) to \(key)")
    }

    static func update(_ destination: IPVSDestination, in key: IPVSServiceKey) -> IPVSRequest {
        IPVSRequest(command: .setDest, attributes: destinationAttributes(key) { $0.putDestination(destination) },
                    operation: "change real server \(destination.key) of \(key)")
    }

    static func removeDestination(_ destination: IPVSDestinationKey, from key: IPVSServiceKey) -> IPVSRequest {
        IPVSRequest(command: .delDest,
                    attributes: destinationAttributes(key) { $0.putDestinationKey(destination) },
                    operation: "remove real server \(destination) from \(key)")
    }

    /// Removes every service of the namespace, owned or not.
    static func flush() -> IPVSRequest {
        IPVSRequest(command: .flush, operation: "flush IPVS")
    }

    private static func serviceAttribute(_ build: (inout NetlinkAttributeWriter) -> Void) -> [UInt8] {
        var writer = NetlinkAttributeWriter()
        writer.putNested(IPVSKernel.CommandAttribute.service.rawValue, build)
        return writer.bytes
    }

    /// Destination requests name their service too.
    private static func destinationAttributes(_ key: IPVSServiceKey,
                                              _ build: (inout NetlinkAttributeWriter) -> Void) -> [UInt8] {
        var writer = NetlinkAttributeWriter()
        writer.putNested(IPVSKernel.CommandAttribute.service.rawValue) { $0.putServiceKey(key) }
        writer.putNested(IPVSKernel.CommandAttribute.dest.rawValue, build)
        return writer.bytes
    }
}

extension NetlinkAttributeWriter {
    private typealias Service = IPVSKernel.ServiceAttribute
    private typealias Destination = IPVSKernel.DestinationAttribute

    /// AF plus either protocol, address and port, or the firewall mark.
    mutating func putServiceKey(_ key: IPVSServiceKey) {
        putU16(Service.af.rawValue, key.family.rawValue)
        switch key {
        case .address(let proto, let address, let port):
            putU16(Service.protocol.rawValue, proto.rawValue)
            put(Service.addr.rawValue, address.inetAddrUnion)
            putBigEndianU16(Service.port.rawValue, port)
        case .firewallMark(let mark, _):
            putU32(Service.fwmark.rawValue, mark)
        }
    }

    /// The key plus every setting: new and changed services need them all (scheduler, flags,
    /// timeout and netmask are mandatory; a missing persistence engine means none).
    mutating func putService(_ service: IPVSService) {
        putServiceKey(service.key)
        putString(Service.schedName.rawValue, service.scheduler)
        if let engine = service.persistenceEngine { putString(Service.peName.rawValue, engine) }
        var flags = service.options.rawValue & IPVSServiceOptions.modelled.rawValue
        if service.persistence != nil { flags |= IPVSKernel.persistentFlag }
        // struct ip_vs_flags { flags, mask }: the mask says which bits to set; all of them.
        put(Service.flags.rawValue, withUnsafeBytes(of: (flags, UInt32.max)) { Array($0) })
        putU32(Service.timeout.rawValue, service.persistence?.timeout ?? 0)
        put(Service.netmask.rawValue, IPVSNetmask.encode(service.persistence?.granularity, family: service.key.family))
    }

    mutating func putDestinationKey(_ key: IPVSDestinationKey) {
        put(Destination.addr.rawValue, key.address.inetAddrUnion)
        putBigEndianU16(Destination.port.rawValue, key.port)
        putU16(Destination.addrFamily.rawValue, key.address.family.rawValue)
    }

    mutating func putDestination(_ destination: IPVSDestination) {
        putDestinationKey(destination.key)
        putU32(Destination.fwdMethod.rawValue, destination.forwarding.rawValue)
        putU32(Destination.weight.rawValue, UInt32(clamping: destination.weight))
        putU32(Destination.uThresh.rawValue, destination.upperThreshold)
        putU32(Destination.lThresh.rawValue, destination.lowerThreshold)
    }
}

/// The persistence netmask attribute: for IPv4 the mask itself in network order, for IPv6 the
/// prefix length as a host-order number (how the kernel and ipvsadm use the same 32 bits).
enum IPVSNetmask {
    static func encode(_ granularity: Int?, family: IPVSAddressFamily) -> [UInt8] {
        let bits = granularity ?? family.maximumPrefixLength
        switch family {
        case .inet:
            let mask: UInt32 = bits == 0 ? 0 : UInt32.max << (32 - bits)
            return withUnsafeBytes(of: mask.bigEndian) { Array($0) }
        case .inet6:
            return withUnsafeBytes(of: UInt32(bits)) { Array($0) }
        }
    }

    /// The prefix length, nil for a whole address; a non-contiguous IPv4 mask is refused.
    static func decode(_ payload: [UInt8], family: IPVSAddressFamily) throws(IPVSError) -> Int? {
        guard payload.count >= 4 else { throw .malformedReply("netmask has \(payload.count) bytes") }
        let bits: Int
        switch family {
        case .inet:
            let mask = UInt32(bigEndian: NetlinkAttributes.u32(payload, 0))
            bits = mask.nonzeroBitCount
            guard mask == (bits == 0 ? 0 : UInt32.max << (32 - bits)) else {
                throw .malformedReply("netmask \(String(mask, radix: 16)) is not a prefix")
            }
        case .inet6:
            bits = Int(NetlinkAttributes.u32(payload, 0))
        }
        return bits == family.maximumPrefixLength ? nil : bits
    }
}

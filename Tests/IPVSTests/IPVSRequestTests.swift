// The bytes of each request, checked field by field against <linux/ip_vs.h>'s layout.
import Testing
@testable import IPVS

@Suite struct IPVSRequestTests {
    typealias Service = IPVSKernel.ServiceAttribute
    typealias Destination = IPVSKernel.DestinationAttribute

    /// Computed by hand from struct nlattr and the IPVS_SVC_ATTR_* numbers.
    @Test func removeServiceBytes() {
        let request = IPVSRequest.removeService(.address(.tcp, address("192.0.2.1"), port: 80))
        #expect(request.command == .delService)
        #expect(!request.dump)
        let expected: [UInt8] = [48, 0, 1, 0x80]                        // IPVS_CMD_ATTR_SERVICE, nested
            + [6, 0, 1, 0, 2, 0, 0, 0]                                   // AF = AF_INET
            + [6, 0, 2, 0, 6, 0, 0, 0]                                   // PROTOCOL = TCP
            + [20, 0, 3, 0, 192, 0, 2, 1] + [UInt8](repeating: 0, count: 12)  // ADDR, union nf_inet_addr
            + [6, 0, 4, 0, 0, 80, 0, 0]                                  // PORT, network order
        #expect(request.attributes == expected)
    }

    @Test func newServiceCarriesEveryMandatorySetting() throws {
        let service = IPVSService(Fixture.sticky, scheduler: "sh",
                                  persistence: IPVSPersistence(timeout: 600, granularity: 24), options: [.schedulerFlag1])
        let request = IPVSRequest.add(service)
        #expect(request.command == .newService)
        let attributes = try #require(try NetlinkAttributes(request.attributes).nested(IPVSKernel.CommandAttribute.service.rawValue))
        #expect(try attributes.u16(Service.af.rawValue) == 2)
        #expect(try attributes.u16(Service.protocol.rawValue) == 6)
        #expect(try attributes.bigEndianU16(Service.port.rawValue) == 443)
        #expect(attributes.string(Service.schedName.rawValue) == "sh")
        // struct ip_vs_flags: persistent (1) + sched1 (8), mask all ones.
        #expect(attributes[Service.flags.rawValue] == [9, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try attributes.u32(Service.timeout.rawValue) == 600)
        #expect(attributes[Service.netmask.rawValue] == [255, 255, 255, 0])
        #expect(attributes[Service.peName.rawValue] == nil)
        #expect(attributes[Service.fwmark.rawValue] == nil)
    }

    @Test func nonPersistentServiceSendsZeroTimeoutAndFullMask() throws {
        let request = IPVSRequest.update(IPVSService(Fixture.web, scheduler: "wrr"))
        #expect(request.command == .setService)
        let attributes = try #require(try NetlinkAttributes(request.attributes).nested(1))
        #expect(attributes[Service.flags.rawValue] == [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try attributes.u32(Service.timeout.rawValue) == 0)
        #expect(attributes[Service.netmask.rawValue] == [255, 255, 255, 255])
    }

    @Test func firewallMarkServiceIsKeyedByMarkNotAddress() throws {
        let request = IPVSRequest.add(IPVSService(.firewallMark(7, family: .inet6), scheduler: "rr"))
        let attributes = try #require(try NetlinkAttributes(request.attributes).nested(1))
        #expect(try attributes.u16(Service.af.rawValue) == 10)
        #expect(try attributes.u32(Service.fwmark.rawValue) == 7)
        #expect(attributes[Service.addr.rawValue] == nil)
        #expect(attributes[Service.protocol.rawValue] == nil)
        // IPv6 netmask: the prefix length itself.
        #expect(try attributes.u32(Service.netmask.rawValue) == 128)
    }

    @Test func destinationRequestNamesServiceAndRealServer() throws {
        let real = IPVSDestination(address("203.0.113.11"), port: 80, forwarding: .directRoute, weight: 5,
                                   upperThreshold: 100, lowerThreshold: 10)
        let request = IPVSRequest.add(real, to: Fixture.web)
        #expect(request.command == .newDest)
        let top = try NetlinkAttributes(request.attributes)
        let service = try #require(try top.nested(IPVSKernel.CommandAttribute.service.rawValue))
        #expect(try service.bigEndianU16(Service.port.rawValue) == 80)
        #expect(service[Service.schedName.rawValue] == nil)  // identity only
        let destination = try #require(try top.nested(IPVSKernel.CommandAttribute.dest.rawValue))
        #expect(destination[Destination.addr.rawValue] == [203, 0, 113, 11] + [UInt8](repeating: 0, count: 12))
        #expect(try destination.bigEndianU16(Destination.port.rawValue) == 80)
        #expect(try destination.u32(Destination.fwdMethod.rawValue) == 3)   // IP_VS_CONN_F_DROUTE
        #expect(try destination.u32(Destination.weight.rawValue) == 5)
        #expect(try destination.u32(Destination.uThresh.rawValue) == 100)
        #expect(try destination.u32(Destination.lThresh.rawValue) == 10)
        #expect(try destination.u16(Destination.addrFamily.rawValue) == 2)
    }

    @Test func removeDestinationSendsOnlyItsKey() throws {
        let request = IPVSRequest.removeDestination(Fixture.real(11).key, from: Fixture.web)
        #expect(request.command == .delDest)
        let destination = try #require(try NetlinkAttributes(request.attributes).nested(2))
        #expect(destination[Destination.weight.rawValue] == nil)
        #expect(destination[Destination.fwdMethod.rawValue] == nil)
        #expect(destination[Destination.addr.rawValue] != nil)
    }

    @Test func listingsAreDumps() {
        #expect(IPVSRequest.listServices().dump)
        #expect(IPVSRequest.listServices().attributes.isEmpty)
        #expect(IPVSRequest.listDestinations(of: Fixture.web).dump)
        #expect(IPVSRequest.listDestinations(of: Fixture.web).command == .getDest)
    }

    @Test(arguments: [(IPVSAddressFamily.inet, 32), (.inet, 24), (.inet, 1), (.inet6, 128), (.inet6, 64)])
    func netmaskRoundTrips(family: IPVSAddressFamily, bits: Int) throws {
        let decoded = try IPVSNetmask.decode(IPVSNetmask.encode(bits, family: family), family: family)
        #expect(decoded == (bits == family.maximumPrefixLength ? nil : bits))
    }

    @Test func nonContiguousIPv4MaskIsRefused() {
        #expect(throws: IPVSError.self) { try IPVSNetmask.decode([255, 0, 255, 0], family: .inet) }
    }
}

/// Replies are read with the same layout; the kernel's extra attributes are skipped.
@Suite struct IPVSReplyTests {
    @Test(arguments: Fixture.mixed.virtualServers.map(\.service) + [
        IPVSService(.address(.sctp, address("2001:db8::5"), port: 9), scheduler: "mh",
                    persistence: IPVSPersistence(timeout: 30, granularity: 64), options: [.onePacket],
                    persistenceEngine: "sip"),
    ])
    func serviceRoundTrips(_ service: IPVSService) throws {
        var reply = NetlinkAttributeWriter()
        reply.putNested(IPVSKernel.CommandAttribute.service.rawValue) {
            $0.putService(service)
            // What a dump adds: statistics (nested) and the hashed flag.
            $0.putNested(IPVSKernel.ServiceAttribute.stats.rawValue) { $0.putU32(1, 42) }
        }
        #expect(try IPVSReply.service(from: reply.bytes) == service.canonical)
    }

    @Test func hashedFlagFromTheKernelIsNotAnOption() throws {
        var reply = NetlinkAttributeWriter()
        reply.putNested(1) {
            $0.putServiceKey(Fixture.web)
            $0.putString(IPVSKernel.ServiceAttribute.schedName.rawValue, "rr")
            $0.put(IPVSKernel.ServiceAttribute.flags.rawValue, [2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])
            $0.putU32(IPVSKernel.ServiceAttribute.timeout.rawValue, 0)
            $0.putU32(IPVSKernel.ServiceAttribute.fwmark.rawValue, 0)
        }
        let service = try IPVSReply.service(from: reply.bytes)
        #expect(service == IPVSService(Fixture.web, scheduler: "rr"))
    }

    @Test(arguments: [
        IPVSDestination(address("203.0.113.11"), port: 80, forwarding: .directRoute, weight: 2),
        IPVSDestination(address("203.0.113.12"), port: 8080, forwarding: .masquerade, weight: 0,
                        upperThreshold: 50, lowerThreshold: 5),
        IPVSDestination(address("2001:db8::7"), port: 80, forwarding: .tunnel, weight: 9),
    ])
    func destinationRoundTrips(_ destination: IPVSDestination) throws {
        var reply = NetlinkAttributeWriter()
        reply.putNested(IPVSKernel.CommandAttribute.dest.rawValue) {
            $0.putDestination(destination)
            $0.putU32(IPVSKernel.DestinationAttribute.activeConns.rawValue, 3)
        }
        #expect(try IPVSReply.destination(from: reply.bytes, serviceFamily: .inet) == destination)
    }

    @Test func messageWithoutServiceIsMalformed() {
        #expect(throws: IPVSError.self) { try IPVSReply.service(from: []) }
        #expect(throws: IPVSError.self) { try IPVSReply.destination(from: [4, 0, 1, 0x80], serviceFamily: .inet) }
    }
}

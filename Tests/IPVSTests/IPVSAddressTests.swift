import Testing
@testable import IPVS

@Suite struct IPVSAddressTests {
    @Test func parsesAndPrintsIPv4() throws {
        let parsed = try #require(IPVSAddress("192.0.2.1"))
        #expect(parsed.family == .inet)
        #expect(parsed.bytes == [192, 0, 2, 1])
        #expect(parsed.description == "192.0.2.1")
    }

    @Test func parsesAndPrintsIPv6InCanonicalForm() throws {
        let parsed = try #require(IPVSAddress("2001:0db8:0:0::0001"))
        #expect(parsed.family == .inet6)
        #expect(parsed.bytes.count == 16)
        #expect(parsed.description == "2001:db8::1")
    }

    @Test(arguments: ["", "192.0.2", "192.0.2.256", "2001:db8:::1", "example.org", "192.0.2.1/24"])
    func rejectsWhatIsNotAnAddress(_ text: String) {
        #expect(IPVSAddress(text) == nil)
    }

    @Test func kernelUnionPadsIPv4To16Bytes() {
        #expect(address("198.51.100.7").inetAddrUnion == [198, 51, 100, 7] + [UInt8](repeating: 0, count: 12))
    }

    @Test func bytesMustFitTheFamily() {
        #expect(IPVSAddress(family: .inet, bytes: [1, 2, 3]) == nil)
        #expect(IPVSAddress(family: .inet6, bytes: [UInt8](repeating: 0, count: 4)) == nil)
    }

    @Test func keysPrintLikeIpvsadm() {
        #expect(Fixture.web.description == "TCP 203.0.113.100:80")
        #expect(IPVSServiceKey.address(.udp, address("2001:db8::1"), port: 53).description == "UDP [2001:db8::1]:53")
        #expect(Fixture.marked.description == "FWM 7")
    }
}

import Testing
@testable import Balancer

@Suite struct AddressTests {
    @Test func parsesAndPrintsBothFamilies() {
        #expect(IPAddress("192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress("192.0.2.1")?.family == .ipv4)
        let v6 = IPAddress("2001:db8::1")
        #expect(v6?.family == .ipv6)
        #expect(v6?.bytes.count == 16)
        #expect(v6?.description == "2001:db8::1")
        #expect(IPAddress("192.0.2.1")?.paddedBytes == [192, 0, 2, 1] + [UInt8](repeating: 0, count: 12))
    }

    @Test(arguments: ["", "192.0.2", "192.0.2.256", "2001:db8:::1", "example.com", "1.2.3.4/24"])
    func rejectsWhatIsNotAnAddress(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func ordersIPv4BeforeIPv6ThenByBytes() {
        #expect(address("192.0.2.9") < address("192.0.2.10"))
        #expect(address("203.0.113.1") < address("2001:db8::1"))
    }

    @Test func macAddresses() {
        #expect(MACAddress("02:00:5e:10:00:0a")?.bytes == [2, 0, 0x5e, 0x10, 0, 0x0a])
        #expect(MACAddress("02-00-5E-10-00-0A")?.description == "02:00:5e:10:00:0a")
        #expect(MACAddress("02:00:5e:10:00") == nil)
        #expect(MACAddress("02:00:5e:10:00:zz") == nil)
        #expect(MACAddress(bytes: [1, 2, 3]) == nil)
    }
}

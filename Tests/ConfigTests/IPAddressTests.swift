import Testing
@testable import Config

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("::", "::"), ("::1", "::1"),
        ("fe80::1:0:0:1", "fe80::1:0:0:1"), ("2001:db8::192.0.2.1", "2001:db8::c000:201"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
    ])
    func parsesAndPrintsCanonically(_ text: String, _ canonical: String) throws {
        #expect(try #require(IPAddress(text)).description == canonical)
    }

    @Test(arguments: ["192.0.2", "192.0.2.256", "01.2.3.4", "1.2.3.4.5", "2001:db8:::1", "1::2::3", "12345::", ":1", "1:", "", "abc"])
    func rejects(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func families() {
        #expect(IPAddress("224.0.0.18")!.isMulticast)
        #expect(IPAddress("ff02::12")!.isMulticast)
        #expect(IPAddress("fe80::1")!.isLinkLocal)
        #expect(!IPAddress("192.0.2.1")!.isMulticast)
    }
}

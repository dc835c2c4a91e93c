import Testing
@testable import Balancer

@Suite struct SipHashTests {
    @Test func matchesThePapersTestVector() {
        // SipHash paper, appendix A: key 00..0f, message 00..0e.
        let hasher = SipHash24(key: Array(0...15))
        #expect(hasher.hash(Array(0...14)) == 0xa129_ca61_49be_45e5)
    }

    @Test func dependsOnKeyAndEveryByte() {
        let a = SipHash24(k0: 1, k1: 2), b = SipHash24(k0: 1, k1: 3)
        let message: [UInt8] = Array("198.51.100.7".utf8)
        #expect(a.hash(message) != b.hash(message))
        var changed = message
        changed[changed.count - 1] ^= 1
        #expect(a.hash(message) != a.hash(changed))
        #expect(a.hash([]) != a.hash([0]))
    }
}

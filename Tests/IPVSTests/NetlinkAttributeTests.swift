import Testing
@testable import IPVS

@Suite struct NetlinkAttributeTests {
    @Test func u16IsPaddedToFourBytes() {
        var writer = NetlinkAttributeWriter()
        writer.putU16(1, 2)
        #expect(writer.bytes == [6, 0, 1, 0, 2, 0, 0, 0])
    }

    @Test func stringCarriesItsNul() {
        var writer = NetlinkAttributeWriter()
        writer.putString(6, "rr")
        #expect(writer.bytes == [7, 0, 6, 0, 0x72, 0x72, 0, 0])
    }

    @Test func nestedAttributeSetsTheNestedFlagAndLength() throws {
        var writer = NetlinkAttributeWriter()
        writer.putNested(1) { $0.putU32(5, 7) }
        #expect(writer.bytes == [12, 0, 1, 0x80, 8, 0, 5, 0, 7, 0, 0, 0])
        let outer = try NetlinkAttributes(writer.bytes)
        let inner = try #require(try outer.nested(1))
        #expect(try inner.u32(5) == 7)
    }

    @Test func bigEndianPortRoundTrips() throws {
        var writer = NetlinkAttributeWriter()
        writer.putBigEndianU16(4, 8080)
        #expect(Array(writer.bytes[4..<6]) == [0x1F, 0x90])
        #expect(try NetlinkAttributes(writer.bytes).bigEndianU16(4) == 8080)
    }

    @Test func lengthBeyondTheBufferIsMalformed() {
        #expect(throws: IPVSError.self) { try NetlinkAttributes([40, 0, 1, 0, 0, 0, 0, 0]) }
        #expect(throws: IPVSError.self) { try NetlinkAttributes([2, 0, 1, 0]) }
    }

    @Test func shortIntegerPayloadIsMalformed() throws {
        let attributes = try NetlinkAttributes([5, 0, 3, 0, 9, 0, 0, 0])
        #expect(throws: IPVSError.self) { try attributes.u32(3) }
        #expect(try attributes.u32(4) == nil)
    }
}

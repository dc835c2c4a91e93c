// Netlink attributes (struct nlattr: 16-bit length, 16-bit type, payload padded to 4 bytes),
// written and read as plain bytes so that every IPVS message can be checked without a socket.

/// Builds a run of attributes. Integers are host order unless the name says big-endian.
struct NetlinkAttributeWriter {
    private(set) var bytes: [UInt8] = []

    static let headerLength = 4
    /// NLA_F_NESTED: the payload is itself a run of attributes.
    static let nestedFlag: UInt16 = 0x8000

    mutating func put(_ type: UInt16, _ payload: [UInt8]) {
        let length = NetlinkAttributeWriter.headerLength + payload.count
        append(UInt16(length))
        append(type)
        bytes += payload
        bytes += [UInt8](repeating: 0, count: NetlinkAttributeWriter.padding(length))
    }

    mutating func putU16(_ type: UInt16, _ value: UInt16) { put(type, withUnsafeBytes(of: value) { Array($0) }) }
    mutating func putU32(_ type: UInt16, _ value: UInt32) { put(type, withUnsafeBytes(of: value) { Array($0) }) }
    mutating func putBigEndianU16(_ type: UInt16, _ value: UInt16) { putU16(type, value.bigEndian) }
    /// A NUL-terminated string (NLA_NUL_STRING).
    mutating func putString(_ type: UInt16, _ value: String) { put(type, Array(value.utf8) + [0]) }

    mutating func putNested(_ type: UInt16, _ build: (inout NetlinkAttributeWriter) -> Void) {
        var inner = NetlinkAttributeWriter()
        build(&inner)
        put(type | NetlinkAttributeWriter.nestedFlag, inner.bytes)
    }

    private mutating func append(_ value: UInt16) { bytes += withUnsafeBytes(of: value) { Array($0) } }

    static func padding(_ length: Int) -> Int { (4 - length % 4) % 4 }
}

/// The attributes of one level, by type (flag bits removed; a repeated type keeps the last).
struct NetlinkAttributes {
    private(set) var payloads: [UInt16: [UInt8]] = [:]

    /// NLA_TYPE_MASK: the type without NLA_F_NESTED and NLA_F_NET_BYTEORDER.
    static let typeMask: UInt16 = 0x3FFF

    init(_ bytes: some Collection<UInt8>) throws(IPVSError) {
        let bytes = Array(bytes)
        var offset = 0
        while offset + NetlinkAttributeWriter.headerLength <= bytes.count {
            let length = Int(NetlinkAttributes.u16(bytes, offset))
            let type = NetlinkAttributes.u16(bytes, offset + 2) & NetlinkAttributes.typeMask
            guard length >= NetlinkAttributeWriter.headerLength, offset + length <= bytes.count else {
                throw .malformedReply("attribute \(type) claims \(length) bytes at offset \(offset) of \(bytes.count)")
            }
            payloads[type] = Array(bytes[(offset + NetlinkAttributeWriter.headerLength)..<(offset + length)])
            offset += length + NetlinkAttributeWriter.padding(length)
        }
    }

    subscript(_ type: UInt16) -> [UInt8]? { payloads[type] }

    func u16(_ type: UInt16) throws(IPVSError) -> UInt16? {
        guard let payload = payloads[type] else { return nil }
        guard payload.count >= 2 else { throw .malformedReply("attribute \(type) has \(payload.count) bytes, wanted 2") }
        return NetlinkAttributes.u16(payload, 0)
    }

    func u32(_ type: UInt16) throws(IPVSError) -> UInt32? {
        guard let payload = payloads[type] else { return nil }
        guard payload.count >= 4 else { throw .malformedReply("attribute \(type) has \(payload.count) bytes, wanted 4") }
        return NetlinkAttributes.u32(payload, 0)
    }

    func bigEndianU16(_ type: UInt16) throws(IPVSError) -> UInt16? { try u16(type).map { UInt16(bigEndian: $0) } }

    /// A string up to its NUL (or the payload's end).
    func string(_ type: UInt16) -> String? {
        guard let payload = payloads[type] else { return nil }
        return String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
    }

    func nested(_ type: UInt16) throws(IPVSError) -> NetlinkAttributes? {
        guard let payload = payloads[type] else { return nil }
        return try NetlinkAttributes(payload)
    }

    static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(hostOrder: bytes, offset, count: 2)
    }

    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(hostOrder: bytes, offset, count: 4)
    }
}

private extension FixedWidthInteger {
    /// Reads `count` bytes at `offset` in host order.
    init(hostOrder bytes: [UInt8], _ offset: Int, count: Int) {
        var value = Self.zero
        withUnsafeMutableBytes(of: &value) { raw in
            for index in 0..<count { raw[index] = bytes[offset + index] }
        }
        self = value
    }
}

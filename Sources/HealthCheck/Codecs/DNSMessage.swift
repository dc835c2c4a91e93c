// The little of DNS (RFC 1035) that DNS_CHECK needs: build one query, and read a response's
// header and the types of its answers. Anything malformed is a typed error, never a trap.
public enum DNSRecordType: UInt16, Sendable, Hashable, CaseIterable {
    case a = 1, ns = 2, cname = 5, soa = 6, mx = 15, txt = 16, aaaa = 28

    /// The keyword DNS_CHECK's `type` takes (A, NS, CNAME, SOA, MX, TXT, AAAA).
    public init?(keyword: String) {
        switch keyword.uppercased() {
        case "A": self = .a
        case "NS": self = .ns
        case "CNAME": self = .cname
        case "SOA": self = .soa
        case "MX": self = .mx
        case "TXT": self = .txt
        case "AAAA": self = .aaaa
        default: return nil
        }
    }
}

public struct DNSQuery: Sendable, Hashable {
    public var id: UInt16
    public var name: String
    public var type: DNSRecordType

    public init(id: UInt16, name: String, type: DNSRecordType) {
        self.id = id
        self.name = name
        self.type = type
    }

    /// A standard query with recursion desired, one question of class IN.
    public func encode() throws(DNSError) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        bytes += try DNSQuery.encodeName(name)
        bytes += [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff), 0, 1]
        return bytes
    }

    static func encodeName(_ name: String) throws(DNSError) -> [UInt8] {
        var bytes: [UInt8] = []
        for label in name.split(separator: ".", omittingEmptySubsequences: true) {
            let utf8 = Array(label.utf8)
            guard utf8.count <= 63 else { throw .labelTooLong(String(label)) }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        guard bytes.count <= 255 else { throw .nameTooLong(name) }
        return bytes
    }
}

public struct DNSResponse: Sendable, Hashable {
    public var id: UInt16
    public var isResponse: Bool
    public var rcode: UInt8
    public var questionCount: Int
    /// The TYPE of each answer record, in order.
    public var answerTypes: [UInt16]

    public init(decoding bytes: [UInt8]) throws(DNSError) {
        var reader = Reader(bytes: bytes)
        id = try reader.u16()
        let flags = try reader.u16()
        isResponse = flags & 0x8000 != 0
        rcode = UInt8(flags & 0x000f)
        questionCount = Int(try reader.u16())
        let answerCount = Int(try reader.u16())
        _ = try reader.u16()  // authority
        _ = try reader.u16()  // additional
        for _ in 0..<questionCount {
            try reader.skipName()
            _ = try reader.u16()
            _ = try reader.u16()
        }
        var types: [UInt16] = []
        for _ in 0..<answerCount {
            try reader.skipName()
            let type = try reader.u16()
            _ = try reader.u16()  // class
            _ = try reader.u32()  // ttl
            let length = Int(try reader.u16())
            try reader.skip(length)
            types.append(type)
        }
        answerTypes = types
    }

    /// DNS_CHECK's rule: our ID, a response, NOERROR, and an answer of the asked type. Returns
    /// the rule broken, or nil when the response passes.
    public func violation(of query: DNSQuery) -> DNSError? {
        guard isResponse else { return .notAResponse }
        guard id == query.id else { return .idMismatch(expected: query.id, got: id) }
        guard rcode == 0 else { return .rcode(rcode) }
        guard answerTypes.contains(query.type.rawValue) else { return .noAnswer(query.type) }
        return nil
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func u8() throws(DNSError) -> UInt8 {
            guard offset < bytes.count else { throw .truncated }
            defer { offset += 1 }
            return bytes[offset]
        }
        mutating func u16() throws(DNSError) -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }
        mutating func u32() throws(DNSError) -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }
        mutating func skip(_ count: Int) throws(DNSError) {
            guard count >= 0, offset + count <= bytes.count else { throw .truncated }
            offset += count
        }
        /// Labels up to a zero byte, or a compression pointer (two bytes) that ends the name.
        mutating func skipName() throws(DNSError) {
            var labels = 0
            while true {
                let length = try u8()
                if length == 0 { return }
                if length & 0xc0 == 0xc0 { _ = try u8(); return }
                guard length & 0xc0 == 0 else { throw .badLabel(length) }
                try skip(Int(length))
                labels += 1
                guard labels <= 127 else { throw .badLabel(length) }
            }
        }
    }
}

public enum DNSError: Error, Hashable, CustomStringConvertible {
    case labelTooLong(String)
    case nameTooLong(String)
    case truncated
    case badLabel(UInt8)
    case notAResponse
    case idMismatch(expected: UInt16, got: UInt16)
    case rcode(UInt8)
    case noAnswer(DNSRecordType)

    public var description: String {
        switch self {
        case .labelTooLong(let label): "DNS label '\(label)' is longer than 63 bytes"
        case .nameTooLong(let name): "DNS name '\(name)' is longer than 255 bytes"
        case .truncated: "DNS message ends early"
        case .badLabel(let byte): "DNS name has a bad label byte \(byte)"
        case .notAResponse: "DNS message is not a response"
        case .idMismatch(let expected, let got): "DNS response ID \(got) does not match query ID \(expected)"
        case .rcode(let code): "DNS response code \(code) (not NOERROR)"
        case .noAnswer(let type): "DNS response has no \(type) answer"
        }
    }
}

// SMTP replies (RFC 5321 section 4.2): "250-first line" continues, "250 last line" ends. The
// reader takes bytes as they arrive and yields each complete reply's code.
public struct SMTPReplyReader: Sendable {
    private var pending: [UInt8] = []
    /// A peer that talks without ever ending a line is not an SMTP server.
    static let maximumLineBytes = 4096

    public init() {}

    /// Adds bytes; returns the codes of replies completed by them, or an error for garbage.
    public mutating func feed<C: Collection>(_ bytes: C) -> Result<[Int], SMTPReplyError> where C.Element == UInt8 {
        pending.append(contentsOf: bytes)
        var codes: [Int] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard line.count >= 3, let code = Int(String(decoding: line.prefix(3), as: UTF8.self)),
                  (200...599).contains(code) else {
                return .failure(.malformed(String(decoding: line.prefix(80), as: UTF8.self)))
            }
            let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
            if separator == UInt8(ascii: " ") {
                codes.append(code)
            } else if separator != UInt8(ascii: "-") {
                return .failure(.malformed(String(decoding: line.prefix(80), as: UTF8.self)))
            }
        }
        if pending.count > SMTPReplyReader.maximumLineBytes { return .failure(.lineTooLong) }
        return .success(codes)
    }
}

public enum SMTPReplyError: Error, Hashable, CustomStringConvertible {
    case malformed(String)
    case lineTooLong
    public var description: String {
        switch self {
        case .malformed(let line): "not an SMTP reply: '\(line)'"
        case .lineTooLong: "SMTP reply line too long"
        }
    }
}

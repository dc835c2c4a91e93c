// The request HTTP_GET/SSL_GET sends and the rule its answer must pass. Pure.
public enum HTTPProbe {
    /// keepalived's request: GET path, a User-Agent, Host (with the port when it is not the
    /// scheme's default), and `Connection: close` for 1.0C and 1.1, so the server ends the body.
    public static func request(path: String, host: String, port: Int, tls: Bool,
                               version: HTTPProtocolVersion) -> String {
        let head = requestHead(path: path, host: host, port: port, tls: tls, version: version)
        let lines = ["GET \(head.uri) HTTP/\(head.minorVersion == 1 ? "1.1" : "1.0")"] + head.headers.map { "\($0.0): \($0.1)" }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// The same request as parts: URI, HTTP/1.x minor version and headers in order.
    public static func requestHead(path: String, host: String, port: Int, tls: Bool,
                                   version: HTTPProtocolVersion) -> (uri: String, minorVersion: Int, headers: [(String, String)]) {
        let hostHeader = HTTPProbe.hostHeader(host, port: port, defaultPort: tls ? 443 : 80)
        var headers = [("User-Agent", "KeepAliveClient"), ("Host", hostHeader)]
        if version != .http10 { headers.append(("Connection", "close")) }
        return (path.isEmpty ? "/" : path, version == .http11 ? 1 : 0, headers)
    }

    static func hostHeader(_ host: String, port: Int, defaultPort: Int) -> String {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    /// The answer passes when its status is in the URL's status codes and, if a digest is
    /// configured, the MD5 of the body equals it.
    public static func verdict(for url: URLCheck, status: Int, bodyMD5: String) -> CheckOutcome {
        guard url.statusCodes.contains(status) else {
            return .down("GET \(url.path): status \(status) not in \(url.statusCodes)")
        }
        if let digest = url.digest, digest != bodyMD5 {
            return .down("GET \(url.path): digest \(bodyMD5) differs from \(digest)")
        }
        return .up()
    }
}

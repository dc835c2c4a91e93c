import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

// HTTP_GET and SSL_GET: each configured URL is fetched over a fresh connection; every one must
// answer with an accepted status code and, if set, the body digest. The whole check (connect,
// TLS, request, body) must finish within connect_timeout.
public struct HTTPChecker: HealthChecker {
    public let target: Endpoint
    public let options: HTTPCheckOptions
    public let connection: ConnectionOptions
    public let timeout: Duration
    let environment: CheckerEnvironment
    let tlsContext: NIOSSLContext?

    /// Bodies longer than this fail the check instead of being read forever.
    static let maximumBodyBytes = 16 << 20

    public init(target: Endpoint, options: HTTPCheckOptions, connection: ConnectionOptions = ConnectionOptions(),
                timeout: Duration, environment: CheckerEnvironment) throws {
        self.target = target
        self.options = options
        self.connection = connection
        self.timeout = timeout
        self.environment = environment
        if let tls = options.tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let ca = tls.caFile {
                configuration.trustRoots = .file(ca)
                configuration.certificateVerification = .noHostnameVerification
            } else {
                configuration.certificateVerification = .none
            }
            if let certificate = tls.certificateFile, let key = tls.keyFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            tlsContext = try NIOSSLContext(configuration: configuration)
        } else {
            tlsContext = nil
        }
    }

    public func check() async -> CheckOutcome {
        guard !options.urls.isEmpty else { return .down("\(options.tls == nil ? "HTTP_GET" : "SSL_GET") has no url") }
        return await withDeadline(timeout, what: "GET \(target)") {
            for url in options.urls {
                let outcome = await fetch(url)
                if !outcome.isUp { return outcome }
            }
            return .up()
        }
    }

    private func fetch(_ url: URLCheck) async -> CheckOutcome {
        let host = url.virtualhost ?? options.virtualhost ?? target.address
        let serverName = options.tls.flatMap { tls in tls.enableSNI ? (tls.sniName ?? url.virtualhost ?? options.virtualhost) : nil }
        let probe = HTTPProbe.requestHead(path: url.path, host: host, port: target.port,
                                          tls: options.tls != nil, version: options.httpProtocol)
        let head = HTTPRequestHead(version: HTTPVersion(major: 1, minor: probe.minorVersion), method: .GET,
                                   uri: probe.uri, headers: HTTPHeaders(probe.headers))
        do {
            let address = try SocketAddress(ipAddress: target.address, port: target.port)
            let tlsContext = self.tlsContext
            let channel = try await environment.tcpBootstrap(connection, timeout: timeout)
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tlsContext {
                            let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                        try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
            // Cancellation (the deadline) closes the connection so that a silent peer is let go at once.
            return try await withTaskCancellationHandler {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(contentsOf: [.head(head), .end(nil)])
                    var status: Int?
                    var md5 = MD5()
                    var received = 0
                    for try await part in inbound {
                        switch part {
                        case .head(let head):
                            status = Int(head.status.code)
                        case .body(let buffer):
                            received += buffer.readableBytes
                            guard received <= HTTPChecker.maximumBodyBytes else {
                                return .down("GET \(url.path): body larger than \(HTTPChecker.maximumBodyBytes) bytes")
                            }
                            buffer.withUnsafeReadableBytes { md5.update($0) }
                        case .end:
                            guard let status else { return .down("GET \(url.path): no response head") }
                            let digest = md5.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                            return HTTPProbe.verdict(for: url, status: status, bodyMD5: digest)
                        }
                    }
                    return .down("GET \(url.path): connection closed before the response ended")
                }
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        } catch {
            return .down("GET \(url.path) from \(target): \(error)")
        }
    }
}

// The small Python programs a load-balancing lab runs, shared by the demo and the tests: an HTTP
// responder on each real server that answers with its own name (keep-alive aware, so a
// long-lived connection can ask repeatedly), a client burst of short connections, and a client
// that keeps sending for a while with the time of each request. Python because Debian has it
// everywhere and a real kernel socket on each end is the point; the reals and the client only
// need to tell which server answered.
import Foundation

public enum HTTPLabPrograms {
    /// Writes responder.py, burst.py and steady.py into `directory`.
    public static func write(to directory: URL) throws {
        for (name, text) in [("responder.py", responder), ("burst.py", burst), ("steady.py", steady)] {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// Starts `responder.py NAME` in `server` and returns once something listens on port 80.
    public static func startResponder(in server: NetworkNamespace, named name: String, lab: Lab,
                                      programs directory: URL) throws -> Process {
        let process = try lab.spawn(server, ["python3", directory.appendingPathComponent("responder.py").path, name])
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let listening = try? server.run("ss", "-Htln", "sport", "= :80").output, listening.contains(":80") {
                return process
            }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw NamespaceError(message: "responder.py \(name) in \(server.name) did not listen on port 80 within 5 s")
    }

    /// One answer of burst.py or steady.py: the real's name, or "error:..." when none came.
    public struct Answer: Sendable {
        public let started: Double
        public let ended: Double
        public let sourcePort: Int
        public let answer: String
        public var failed: Bool { !answer.hasPrefix("rs") }
    }

    /// Parses the lines "STARTED ENDED PORT ANSWER" both client programs print.
    public static func answers(_ output: String) -> [Answer] {
        output.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count == 4, let started = Double(words[0]), let ended = Double(words[1]),
                  let port = Int(words[2]) else { return nil }
            return Answer(started: started, ended: ended, sourcePort: port, answer: String(words[3]))
        }
    }

    /// `python3 responder.py NAME`: answers every request with NAME.
    static let responder = #"""
        import socket, sys, threading
        name = sys.argv[1].encode()
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("0.0.0.0", 80))
        server.listen(1024)

        def serve(connection):
            pending = b""
            with connection:
                while True:
                    data = connection.recv(4096)
                    if not data:
                        return
                    pending += data
                    while b"\r\n\r\n" in pending:
                        head, pending = pending.split(b"\r\n\r\n", 1)
                        keep = head.startswith(b"GET") and b"HTTP/1.1" in head.split(b"\r\n")[0]
                        body = name + b"\n"
                        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s"
                                           % (len(body), b"" if keep else b"Connection: close\r\n", body))
                        if not keep:
                            return

        while True:
            connection, _ = server.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """#

    /// The request both clients send, and the line they print for it.
    private static let request = #"""
        import socket, sys, time

        def ask(vip, port, source_port, timeout):
            started = time.time()
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.settimeout(timeout)
            answer = "-"
            try:
                s.bind(("0.0.0.0", source_port))
                s.connect((vip, port))
                source_port = s.getsockname()[1]
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                answer = data.split(b"\r\n\r\n", 1)[1].strip().decode() if b"\r\n\r\n" in data else "error:empty"
            except Exception as error:
                answer = "error:" + type(error).__name__
            finally:
                s.close()
            print("%.3f %.3f %d %s" % (started, time.time(), source_port, answer), flush=True)

        """#

    /// `python3 burst.py VIP PORT COUNT FIRST`: COUNT short connections from source ports FIRST,
    /// FIRST+1, ... (FIRST 0: ports the kernel picks).
    static let burst = request + #"""
        vip, port, count, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        for n in range(count):
            ask(vip, port, first + n if first else 0, 2)
        """#

    /// `python3 steady.py VIP SECONDS FIRST SPAN`: one request after another for SECONDS, from
    /// source ports FIRST ... FIRST+SPAN-1 in turn.
    static let steady = request + #"""
        vip, seconds, first, span = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        end = time.time() + seconds
        n = 0
        while time.time() < end:
            ask(vip, 80, first + n % span, 1)
            n += 1
            time.sleep(0.01)
        """#
}

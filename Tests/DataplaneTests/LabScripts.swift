// The small Python programs the lab runs: an HTTP responder on each real server that answers
// with its own name (keep-alive aware, so a long-lived connection can ask repeatedly), and the
// client's load generator, which opens one short connection per source port.
import Foundation

enum LabScripts {
    static func write(to directory: URL) throws {
        try responder.write(to: directory.appendingPathComponent("responder.py"), atomically: true, encoding: .utf8)
        try load.write(to: directory.appendingPathComponent("load.py"), atomically: true, encoding: .utf8)
    }

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

    static let load = #"""
        import socket, sys
        vip, port, count, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        for source_port in range(first, first + count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.settimeout(2)
            answer = "-"
            try:
                s.bind(("0.0.0.0", source_port))
                s.connect((vip, port))
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
            print(source_port, answer, flush=False)
        """#
}

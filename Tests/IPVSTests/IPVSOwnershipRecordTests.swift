// The record of owned services survives a write and a read for every kind of service key, and
// a damaged line is reported instead of stopping the daemon.
import Foundation
import Testing
@testable import IPVS

@Suite struct IPVSOwnershipRecordTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ipvs-owned-\(UUID().uuidString.prefix(8))").path
    }

    @Test func everyKindOfServiceReadsBackAsWritten() throws {
        let record = IPVSOwnershipRecord(path: temporaryPath())
        defer { try? FileManager.default.removeItem(atPath: record.path) }
        let owned: Set<IPVSServiceKey> = [
            .address(.tcp, address("192.0.2.50"), port: 80),
            .address(.udp, address("2001:db8::53"), port: 53),
            .address(.sctp, address("198.51.100.7"), port: 5060),
            .firewallMark(7, family: .inet),
            .firewallMark(8, family: .inet6),
        ]
        try record.write(owned)
        let text = try String(contentsOfFile: record.path, encoding: .utf8)
        #expect(text.contains("UDP [2001:db8::53]:53\n") && text.contains("FWM 8 IPv6\n"), "\(text)")
        let (read, unreadable) = record.read()
        #expect(read == owned)
        #expect(unreadable.isEmpty)
    }

    @Test func noServicesMeansNoFileAndNoFileMeansNoServices() throws {
        let record = IPVSOwnershipRecord(path: temporaryPath())
        #expect(record.read().owned.isEmpty)
        try record.write([.firewallMark(1, family: .inet)])
        #expect(FileManager.default.fileExists(atPath: record.path))
        try record.write([])
        #expect(!FileManager.default.fileExists(atPath: record.path))
    }

    @Test func damagedLinesAreReportedAndTheRestIsRead() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "TCP 192.0.2.50:80\nTCP 192.0.2.50\nICMP 192.0.2.1:0\nUDP 2001:db8::1:53\nFWM x\n\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (owned, unreadable) = IPVSOwnershipRecord(path: path).read()
        #expect(owned == [.address(.tcp, address("192.0.2.50"), port: 80)])
        #expect(unreadable == ["TCP 192.0.2.50", "ICMP 192.0.2.1:0", "UDP 2001:db8::1:53", "FWM x"])
    }
}

// The benchmarks' traffic generator and packet sink (bpf/trafficgen.c). The generator is an XDP
// program run with BPF_PROG_RUN in live-frames mode: the kernel transmits every frame the program
// returns XDP_TX for out of the interface named in the run's context, as fast as one CPU can
// make them, with no socket, qdisc or skb on the sending side.
import CBPF
import Foundation
import XDPObjects

public struct TrafficGeneratorError: Error, CustomStringConvertible {
    public let description: String
}

/// Owns the loaded trafficgen object; not Sendable (libbpf handles). Hand its fds to the thread
/// that runs in the sending namespace, and run `LiveFrames.send` there.
public final class TrafficGenerator {
    private let object: BPFObject
    private let generator: BPFProgram
    private let sink: BPFProgram
    private let drive: BPFProgram
    private let discard: BPFProgram
    private let config: BPFMap
    private let sinkPackets: BPFMap
    private let driveNext: BPFMap
    private var sourcePorts: (first: UInt16, count: UInt16) = (0, 0)
    private var driveMACs: (destination: [UInt8], source: [UInt8]) = ([0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0])

    public init() throws {
        guard let bytes = EmbeddedBPF.object(named: "trafficgen") else {
            throw TrafficGeneratorError(description: "no embedded BPF object named trafficgen")
        }
        object = try BPFObject(bytes: bytes, name: "trafficgen")
        generator = try object.program(named: "xdpha_trafficgen")
        sink = try object.program(named: "xdpha_sink")
        drive = try object.program(named: "xdpha_drive")
        discard = try object.program(named: "xdpha_discard")
        config = try object.map(named: "trafficgen_config")
        sinkPackets = try object.map(named: "sink_packets")
        driveNext = try object.map(named: "drive_next")
    }

    public var generatorFD: Int32 { generator.fd }
    public var sinkFD: Int32 { sink.fd }
    /// xdpha_drive: the next source port and the configured MACs, then the program in slot 0
    /// (`setDriveTarget`). Run in live-frames mode on the forwarding host itself.
    public var driveFD: Int32 { drive.fd }
    /// xdpha_discard (XDP_DROP): as drive target, what the harness costs on its own.
    public var discardFD: Int32 { discard.fd }

    /// The generator gives run N the source port `firstPort + N % count`. The first `count` TCP
    /// frames (one per port) are SYNs, every later one an ACK of that port's connection.
    public func setSourcePorts(first firstPort: UInt16, count: UInt16) throws {
        guard count > 0 else { throw TrafficGeneratorError(description: "the port count must be at least 1") }
        sourcePorts = (firstPort, count)
        try writeConfig()
    }

    /// The Ethernet destination and source xdpha_drive writes into every frame.
    public func setDriveMACs(destination: [UInt8], source: [UInt8]) throws {
        guard destination.count == 6, source.count == 6 else {
            throw TrafficGeneratorError(description: "a MAC address has 6 bytes")
        }
        driveMACs = (destination, source)
        try writeConfig()
    }

    /// The program xdpha_drive tail-calls (an XDP program of any object, xdpha_entry among them).
    public func setDriveTarget(programFD: Int32) throws {
        var key: UInt32 = 0
        var fd = programFD
        try BPFError.check(bpf_map_update_elem(driveNext.fd, &key, &fd, 0), "write drive_next")
    }

    /// struct trafficgen_config: two u16 (host order), then two 6-byte MACs.
    private func writeConfig() throws {
        var key: UInt32 = 0
        var value = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: sourcePorts.first) { value.replaceSubrange(0..<2, with: $0) }
        withUnsafeBytes(of: sourcePorts.count) { value.replaceSubrange(2..<4, with: $0) }
        value.replaceSubrange(4..<10, with: driveMACs.destination)
        value.replaceSubrange(10..<16, with: driveMACs.source)
        let result = value.withUnsafeMutableBytes { bpf_map_update_elem(config.fd, &key, $0.baseAddress, 0) }
        try BPFError.check(result, "write trafficgen_config")
    }

    /// One ordinary test run of the generator (no live frames): the frame it would send.
    public func testRunGenerator(frame: [UInt8]) throws -> TestRunResult {
        try generator.testRun(frame: frame)
    }

    /// One ordinary test run of xdpha_drive (and of the program it hands the frame to).
    public func testRunDrive(frame: [UInt8]) throws -> TestRunResult {
        try drive.testRun(frame: frame)
    }

    public func testRunSink(frame: [UInt8]) throws -> TestRunResult {
        try sink.testRun(frame: frame)
    }

    /// Frames the sink has counted (and dropped) on every interface it is attached to.
    public func sinkCount() throws -> UInt64 {
        try sinkPackets.perCPUSum(index: 0)
    }
}

public enum LiveFrames {
    /// Runs `programFD` `packets` times on copies of `frame` in live-frames mode, as if received
    /// on `ifindex` of the calling thread's network namespace; XDP_TX frames leave through that
    /// interface (a veth hands them to its peer). Blocks until all runs are done. `batchSize` is
    /// how many frames the kernel builds before it flushes them (the kernel's default is 64).
    public static func send(programFD: Int32, frame: [UInt8], ifindex: UInt32, packets: UInt32,
                            batchSize: UInt32 = 64) throws {
        var input = frame
        var context = xdp_md()
        context.data_end = UInt32(frame.count)
        context.ingress_ifindex = ifindex
        var opts = bpf_test_run_opts()
        opts.sz = MemoryLayout<bpf_test_run_opts>.size
        opts.flags = UInt32(BPF_F_TEST_XDP_LIVE_FRAMES)
        opts.`repeat` = Int32(bitPattern: packets)
        opts.batch_size = batchSize
        let result = input.withUnsafeMutableBytes { inRaw in
            withUnsafeMutableBytes(of: &context) { contextRaw in
                opts.data_in = UnsafeRawPointer(inRaw.baseAddress)
                opts.data_size_in = UInt32(frame.count)
                opts.ctx_in = UnsafeRawPointer(contextRaw.baseAddress)
                opts.ctx_size_in = UInt32(contextRaw.count)
                return bpf_prog_test_run_opts(programFD, &opts)
            }
        }
        try BPFError.check(result, "live-frames run of the traffic generator on ifindex \(ifindex)")
    }
}

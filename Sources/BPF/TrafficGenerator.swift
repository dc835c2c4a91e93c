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
    private let config: BPFMap
    private let sinkPackets: BPFMap

    public init() throws {
        guard let bytes = EmbeddedBPF.object(named: "trafficgen") else {
            throw TrafficGeneratorError(description: "no embedded BPF object named trafficgen")
        }
        object = try BPFObject(bytes: bytes, name: "trafficgen")
        generator = try object.program(named: "xdpha_trafficgen")
        sink = try object.program(named: "xdpha_sink")
        config = try object.map(named: "trafficgen_config")
        sinkPackets = try object.map(named: "sink_packets")
    }

    public var generatorFD: Int32 { generator.fd }
    public var sinkFD: Int32 { sink.fd }

    /// The generator gives run N the source port `firstPort + N % count`.
    public func setSourcePorts(first firstPort: UInt16, count: UInt16) throws {
        guard count > 0 else { throw TrafficGeneratorError(description: "the port count must be at least 1") }
        var key: UInt32 = 0
        var value: (UInt16, UInt16) = (firstPort, count)
        let result = withUnsafeMutableBytes(of: &value) { bpf_map_update_elem(config.fd, &key, $0.baseAddress, 0) }
        try BPFError.check(result, "write trafficgen_config")
    }

    /// One ordinary test run of the generator (no live frames): the frame it would send.
    public func testRunGenerator(frame: [UInt8]) throws -> TestRunResult {
        try generator.testRun(frame: frame)
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

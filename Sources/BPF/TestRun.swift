// BPF_PROG_TEST_RUN: runs a loaded XDP program on a frame in the kernel without a NIC. The tests
// use it for packet-in/packet-out fixtures and the benchmarks for per-packet cost.
import CBPF
import Foundation

public struct TestRunResult: Sendable {
    public let verdict: UInt32        // XDP_PASS, XDP_TX, ...
    public let packet: [UInt8]        // the frame as the program left it
    public let durationNanoseconds: UInt32
}

public enum XDPVerdict: UInt32, Sendable {
    case aborted = 0, drop, pass, tx, redirect
}

extension BPFProgram {
    /// Runs the program `repeatCount` times on `frame` and returns the last run's output.
    /// Without `ingressIfindex` the kernel runs it as if received on the calling thread's
    /// loopback device (ifindex 1 in a network namespace); with one, as if received on that
    /// interface, which must exist in the calling thread's namespace.
    public func testRun(frame: [UInt8], repeatCount: Int32 = 1, ingressIfindex: UInt32? = nil) throws -> TestRunResult {
        var input = frame
        var output = [UInt8](repeating: 0, count: frame.count + 256)
        var context = xdp_md()
        context.data_end = UInt32(frame.count)
        context.ingress_ifindex = ingressIfindex ?? 0
        var opts = bpf_test_run_opts()
        opts.sz = MemoryLayout<bpf_test_run_opts>.size
        opts.`repeat` = repeatCount
        let result = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                withUnsafeMutableBytes(of: &context) { contextRaw in
                    opts.data_in = UnsafeRawPointer(inRaw.baseAddress)
                    opts.data_size_in = UInt32(frame.count)
                    opts.data_out = outRaw.baseAddress
                    opts.data_size_out = UInt32(outRaw.count)
                    if ingressIfindex != nil {
                        opts.ctx_in = UnsafeRawPointer(contextRaw.baseAddress)
                        opts.ctx_size_in = UInt32(contextRaw.count)
                    }
                    return bpf_prog_test_run_opts(fd, &opts)
                }
            }
        }
        try BPFError.check(result, "test run of \(name)")
        return TestRunResult(verdict: opts.retval,
                             packet: Array(output.prefix(Int(opts.data_size_out))),
                             durationNanoseconds: opts.duration)
    }
}

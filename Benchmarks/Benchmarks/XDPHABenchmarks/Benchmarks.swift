// The one entry point package-benchmark looks for; each module's suite registers itself here.
import Benchmark

let benchmarks: @Sendable () -> Void = {
    registerVRRPBenchmarks()
    registerConfigBenchmarks()
    registerBalancerBenchmarks()
}

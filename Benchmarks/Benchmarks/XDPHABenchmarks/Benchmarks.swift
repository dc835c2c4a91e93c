import Benchmark

let benchmarks: @Sendable () -> Void = {
    Benchmark("noop") { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }
}

// Benchmarks for the Config module (package-benchmark; run with `make bench`).
// "Config load 1000+1000x10": read a generated keepalived.conf of 1,000 vrrp_instances and 1,000
// virtual servers with 10 real servers each, from memory, through the whole loader (preprocess,
// block tree, keyword tables, defaults, cross-block checks). Budget: under 200 ms in release.
import Benchmark
import Config
import ConfigFixtures

func registerConfigBenchmarks() {
    Benchmark("Config load 1000+1000x10",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
                                   maxDuration: .seconds(10), maxIterations: 50)) { benchmark in
        let text = LargeConfig.text(instances: 1000, virtualServers: 1000, realServersEach: 10)
        let loader = ConfigLoader(fileSystem: InMemoryFileSystem())
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(loader.load(text: text))
        }
        benchmark.stopMeasurement()
    }
}

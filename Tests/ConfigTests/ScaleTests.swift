// The benchmark's configuration (1,000 instances, 1,000 virtual servers of 10 real servers)
// loads completely and correctly; its speed is measured in release by Benchmarks/.
import Testing
@testable import Config
import ConfigFixtures

@Suite struct ScaleTests {
    @Test func thousandInstancesAndThousandVirtualServersLoad() {
        let text = LargeConfig.text(instances: 1000, virtualServers: 1000, realServersEach: 10)
        let result = load(text)
        #expect(result.diagnostics.isEmpty, "\(result.rendered().prefix(2000))")
        #expect(result.config.vrrpInstances.count == 1000)
        #expect(result.config.virtualServers.count == 1000)
        #expect(result.config.virtualServers.allSatisfy { $0.realServers.count == 10 })
        #expect(result.config.vrrpInstances[999].virtualAddresses[0].address.description == "198.18.3.250")
    }
}

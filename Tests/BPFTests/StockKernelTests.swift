// The embedded entry program on whatever kernel runs the tests. `make test` runs this suite on
// this host and again in the qemu guest booting Debian 12's stock kernel (6.1, `make ipvs-test`):
// its verifier is older and stricter about some helper arguments, and a fresh Debian 12 machine
// is where xdpha must run.
import Balancer
import NetLab
import Testing
@testable import BPF

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct StockKernelTests {
    @Test("the entry program loads; its VRRP stage accepts an advert and its DR stage steers a flow")
    func entryProgramLoadsAndBothStagesWork() async throws {
        let vrrp = try await VRRPRxHarness()
        #expect(try await vrrp.run(VRRPAdvertFrame()).verdict == XDPVerdict.drop.rawValue)
        #expect(try await vrrp.counts(VRRPRxHarness.v4(51)).nonZero == [.accepted: 1])

        let dr = try await DRFixture([drService(reals: drReals(3))])
        let frame = DRFrame(from: "192.0.2.50", to: drVIP)
        let predicted = try #require(dr.state.predictedReal(for: frame.flow))
        let result = try await dr.run(frame)
        #expect(result.verdict == XDPVerdict.tx.rawValue)
        #expect(result.packet == steered(frame.bytes, to: predicted.server))
        #expect(try await dr.run(frame).packet == steered(frame.bytes, to: predicted.server), "the established flow too")
    }
}

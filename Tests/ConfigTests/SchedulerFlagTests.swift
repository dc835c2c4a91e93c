// Scheduler flags (mh-port, sh-fallback, flag-N, ops) are read into the virtual server as written.
import Config
import Testing

@Suite struct SchedulerFlagTests {
    @Test func flagsAreRecordedInOrderWithoutWarnings() throws {
        let result = ConfigLoader().load(text: """
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched mh
                mh-port
                mh-fallback
                lb_kind DR
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(result.diagnostics.isEmpty, "\(result.rendered())")
        #expect(result.config.virtualServers.first?.schedulerFlags == ["mh-port", "mh-fallback"])
    }

    @Test func aFlagTakesNoArgument() {
        let result = ConfigLoader().load(text: """
            virtual_server 192.0.2.50 80 {
                protocol TCP
                lvs_sched sh
                sh-port yes
                real_server 192.0.2.11 80 {}
            }
            """)
        #expect(result.hasErrors)
    }
}

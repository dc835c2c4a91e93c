// notify_up/notify_down/quorum_up/quorum_down scripts. keepalived starts them and does not
// wait ("fire and forget"), so they may finish out of order; here they run one after another in
// the order the events happened, each limited to `timeout` so one hung script cannot stall the
// rest. keepalived passes no extra arguments to these scripts; neither do we.
final class Notifier: Sendable {
    private let continuation: AsyncStream<ScriptCommand>.Continuation
    private let worker: Task<Void, Never>

    init(runner: ScriptRunner, timeout: Duration = .seconds(30)) {
        let (stream, continuation) = AsyncStream.makeStream(of: ScriptCommand.self)
        self.continuation = continuation
        worker = Task {
            for await script in stream {
                _ = await runner.run(script, timeout: timeout)
            }
        }
    }

    func enqueue(_ script: ScriptCommand) { continuation.yield(script) }

    /// Waits until every queued script has run.
    func drain() async {
        continuation.finish()
        await worker.value
    }
}

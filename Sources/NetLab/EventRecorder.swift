// Waiting for asynchronous events in tests, with deadlines.
import Foundation

/// Collects what a stream yields, so a test can wait for one element after another without
/// cancelling the stream (cancelling an AsyncStream's iteration ends it).
public actor EventRecorder<Element: Sendable> {
    public private(set) var seen: [Element] = []
    /// Whether the stream has ended.
    public private(set) var isFinished = false

    public init(_ stream: AsyncStream<Element>) {
        Task { await self.consume(stream) }
    }

    private func consume(_ stream: AsyncStream<Element>) {
        Task {
            for await element in stream { self.append(element) }
            self.finish()
        }
    }

    private func append(_ element: Element) { seen.append(element) }
    private func finish() { isFinished = true }

    /// The first element after the first `skipping` ones that matches, waiting up to `seconds`.
    public func first(after skipping: Int = 0, within seconds: Double = 5,
                      where matches: @Sendable (Element) -> Bool) async -> Element? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let found = seen.dropFirst(skipping).first(where: matches) { return found }
            if Date() > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    public var count: Int { seen.count }
}

/// Polls `body` until it returns non-nil or `seconds` pass.
public func eventually<T>(within seconds: Double = 3, _ body: () async throws -> T?) async rethrows -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if let value = try await body() { return value }
        if Date() > deadline { return nil }
        try? await Task.sleep(for: .milliseconds(20))
    }
}

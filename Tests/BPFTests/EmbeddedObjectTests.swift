import Testing
@testable import BPF

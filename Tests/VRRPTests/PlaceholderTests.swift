import Testing
@testable import VRRP

// Where a model object and its keywords were written. Kept beside the values for diagnostics
// that are found after parsing (cross-block checks), but left out of the JSON dump and out of
// equality: moving a line does not change the configuration.

public struct SourceMap: Sendable, Hashable {
    /// The keyword that declared the object (`vrrp_instance`, `real_server`, an address line).
    public var declaration: SourceLocation?
    /// The location of the value of each keyword set in the object's block (the last one written).
    public var keywords = KeywordLocations()

    public init(declaration: SourceLocation?) {
        self.declaration = declaration
    }

    public subscript(keyword: String) -> SourceLocation? {
        keywords[keyword] ?? declaration
    }
}

/// Keyword -> location for one block. A block sets a handful of keywords, so a small array
/// searched linearly costs less than hashing (this is filled for every statement of a load).
public struct KeywordLocations: Sendable, Hashable {
    private var names: [String] = []
    private var locations: [SourceLocation] = []

    public init() {}

    public subscript(keyword: String) -> SourceLocation? {
        get {
            guard let index = names.firstIndex(of: keyword) else { return nil }
            return locations[index]
        }
        set {
            if let index = names.firstIndex(of: keyword) {
                if let newValue { locations[index] = newValue } else {
                    names.remove(at: index)
                    locations.remove(at: index)
                }
            } else if let newValue {
                names.append(keyword)
                locations.append(newValue)
            }
        }
    }
}

/// Wraps a value that is not part of the encoded model and never makes two models unequal.
@propertyWrapper
public struct Unencoded<Value: Sendable & Hashable>: Sendable, Hashable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    public static func == (lhs: Unencoded, rhs: Unencoded) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}

extension Unencoded: Codable where Value: DefaultConstructible {
    public init(from decoder: any Decoder) throws { wrappedValue = Value() }
    public func encode(to encoder: any Encoder) throws {}
}

public protocol DefaultConstructible { init() }
extension SourceMap: DefaultConstructible { public init() { self.init(declaration: nil) } }

// Synthesized Codable calls these overloads for `@Unencoded` properties, which write no key at all.
extension KeyedEncodingContainer {
    public mutating func encode<T>(_ value: Unencoded<T>, forKey key: Key) throws {}
}

extension KeyedDecodingContainer {
    public func decode<T: DefaultConstructible & Sendable & Hashable>(_ type: Unencoded<T>.Type, forKey key: Key) throws -> Unencoded<T> {
        Unencoded(wrappedValue: T())
    }
}

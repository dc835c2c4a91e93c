// One keyword of one block: what shape it takes (a value, a block, or either) and how it sets one
// field of the model, with the field's range and syntax checks. Tables of these replace the giant
// switch of a hand-written parser: a keyword is one line in a table.

struct KeywordRule<Model>: Sendable {
    enum Shape: Sendable {
        /// Arguments on the line, no block.
        case value
        /// A `{ ... }` block (arguments allowed before it, e.g. `vrrp_instance NAME {`).
        case block
    }

    let name: String
    var aliases: [String] = []
    let shape: Shape
    /// Whether writing the keyword twice in one block is normal (lists, checkers) rather than a slip.
    var repeatable = false
    /// The keywords of the block this keyword opens, for the tree parser's brace recovery.
    var blockKeywords: (@Sendable () -> Set<String>)?
    /// Or, when that block has blocks of its own, its whole schema.
    var nestedSchema: (@Sendable () -> SchemaInfo)?
    let apply: @Sendable (inout Model, Statement, inout BuildContext) -> Void

    func alias(_ names: String...) -> KeywordRule {
        var copy = self
        copy.aliases += names
        return copy
    }

    func nested(_ schema: @escaping @Sendable () -> SchemaInfo) -> KeywordRule {
        var copy = self
        copy.nestedSchema = schema
        return copy
    }

    func repeatable(_ flag: Bool = true) -> KeywordRule {
        var copy = self
        copy.repeatable = flag
        return copy
    }
}

typealias Field<Model, Value> = WritableKeyPath<Model, Value> & Sendable

// MARK: - Value keywords

extension KeywordRule {
    static func custom(_ name: String, _ shape: Shape = .value,
                       _ apply: @escaping @Sendable (inout Model, Statement, inout BuildContext) -> Void) -> KeywordRule {
        KeywordRule(name: name, shape: shape, apply: apply)
    }

    static func integer(_ name: String, _ field: Field<Model, Int>, _ range: ClosedRange<Int>,
                        rangeNote: String? = nil) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.integer(statement.arguments[0], for: name, in: range, rangeNote: rangeNote) else { return }
            model[keyPath: field] = value
        }
    }

    static func integer(_ name: String, _ field: Field<Model, Int?>, _ range: ClosedRange<Int>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.integer(statement.arguments[0], for: name, in: range) else { return }
            model[keyPath: field] = value
        }
    }

    static func decimal(_ name: String, _ field: Field<Model, Double>, _ range: ClosedRange<Double>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.decimal(statement.arguments[0], for: name, in: range) else { return }
            model[keyPath: field] = value
        }
    }

    static func decimal(_ name: String, _ field: Field<Model, Double?>, _ range: ClosedRange<Double>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.decimal(statement.arguments[0], for: name, in: range) else { return }
            model[keyPath: field] = value
        }
    }

    static func string(_ name: String, _ field: Field<Model, String>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1) else { return }
            model[keyPath: field] = statement.arguments[0].text
        }
    }

    static func string(_ name: String, _ field: Field<Model, String?>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1) else { return }
            model[keyPath: field] = statement.arguments[0].text
        }
    }

    /// A keyword that sets a flag by being there (`nopreempt`), or with an optional on/off value.
    static func flag(_ name: String, _ field: Field<Model, Bool>, value: Bool = true, optionalBool: Bool = true) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 0...(optionalBool ? 1 : 0)) else { return }
            if let token = statement.arguments.first {
                guard let parsed = context.boolean(token, for: name) else { return }
                model[keyPath: field] = parsed == value
            } else {
                model[keyPath: field] = value
            }
        }
    }

    static func flag(_ name: String, _ field: Field<Model, Bool?>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 0...1) else { return }
            if let token = statement.arguments.first {
                guard let parsed = context.boolean(token, for: name) else { return }
                model[keyPath: field] = parsed
            } else {
                model[keyPath: field] = true
            }
        }
    }

    static func address(_ name: String, _ field: Field<Model, IPAddress?>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.address(statement.arguments[0], for: name) else { return }
            model[keyPath: field] = value
        }
    }

    static func address(_ name: String, _ field: Field<Model, IPAddress>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.address(statement.arguments[0], for: name) else { return }
            model[keyPath: field] = value
        }
    }

    static func choice<T: Sendable>(_ name: String, _ field: Field<Model, T>, _ options: KeyValuePairs<String, T>) -> KeywordRule {
        let pairs = Array(options)
        return custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1) else { return }
            let token = statement.arguments[0]
            if let match = pairs.first(where: { $0.key == token.text }) {
                model[keyPath: field] = match.value
                return
            }
            var message = "'\(name)' must be \(BuildContext.alternatives(pairs.map(\.key))); got '\(token.text)'"
            if let match = pairs.first(where: { $0.key.lowercased() == token.text.lowercased() }) {
                message += " (keepalived matches '\(match.key)' exactly, case included)"
            }
            context.log.error(message, at: token.location)
        }
    }

    /// `KEYWORD SCRIPT [USER [GROUP]]`: notify scripts, FIFOs, quorum_up/down.
    static func script(_ name: String, _ field: Field<Model, NotifyScript?>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...3, what: "a script or file name") else { return }
            let arguments = statement.arguments
            model[keyPath: field] = NotifyScript(command: arguments[0].text,
                                                 user: arguments.count > 1 ? arguments[1].text : nil,
                                                 group: arguments.count > 2 ? arguments[2].text : nil)
        }
    }

    /// `user USER [GROUP]`.
    static func user(_ name: String, _ field: Field<Model, ScriptUser?>) -> KeywordRule {
        custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...2, what: "a user name") else { return }
            model[keyPath: field] = ScriptUser(user: statement.arguments[0].text,
                                               group: statement.arguments.count > 1 ? statement.arguments[1].text : nil)
        }
    }
}

// MARK: - Block keywords

extension KeywordRule {
    /// A block whose content is read by `schema` into the field (e.g. `authentication { ... }`).
    static func block<Sub>(_ name: String, _ field: Field<Model, Sub>, _ schema: @escaping @Sendable () -> BlockSchema<Sub>) -> KeywordRule {
        var rule = KeywordRule(name: name, shape: .block) { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            schema().apply(statement.block?.statements ?? [], to: &model[keyPath: field], context: &context)
        }
        rule.nestedSchema = { schema().info }
        return rule
    }

    /// A block whose lines are items of a list (`virtual_ipaddress { ... }`); each line is read by
    /// `item`, which reports its own errors and returns nil for a bad line. Repeated blocks append.
    static func list<Item>(_ name: String, _ field: Field<Model, [Item]>,
                           _ item: @escaping @Sendable (Statement, inout BuildContext) -> Item?) -> KeywordRule {
        var rule = KeywordRule(name: name, shape: .block, repeatable: true) { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            for line in statement.block?.statements ?? [] {
                if let nested = line.block {
                    context.log.error("a '\(name)' entry cannot open a block", at: nested.open.location)
                    continue
                }
                if let value = item(line, &context) { model[keyPath: field].append(value) }
            }
        }
        rule.blockKeywords = { [] }
        return rule
    }
}

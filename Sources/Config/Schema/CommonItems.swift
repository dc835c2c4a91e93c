// Readers shared by several blocks: named blocks, optional blocks, trackers (`NAME [weight N]
// [reverse]`) and plain name lists.

extension KeywordRule {
    /// `KEYWORD NAME { ... }`: a named object appended to a list (instances, scripts...). Names
    /// that repeat are found later, by the validator, with both places.
    static func namedBlock<Item: SourceMapped>(_ name: String, _ field: Field<Model, [Item]>,
                                               make: @escaping @Sendable (String) -> Item,
                                               schema: @escaping @Sendable () -> BlockSchema<Item>) -> KeywordRule {
        var rule = KeywordRule(name: name, shape: .block, repeatable: true) { model, statement, context in
            guard context.expectArguments(statement, 1...1, what: "a name") else { return }
            var item = make(statement.arguments[0].text)
            item.source.declaration = statement.arguments[0].location
            schema().apply(statement.block?.statements ?? [], to: &item, context: &context)
            model[keyPath: field].append(item)
        }
        rule.nestedSchema = { schema().info }
        return rule
    }

    /// A block read into an optional field, created on first use (`authentication { ... }`).
    static func optionalBlock<Sub: SourceMapped>(_ name: String, _ field: Field<Model, Sub?>, make: @escaping @Sendable () -> Sub,
                                                 schema: @escaping @Sendable () -> BlockSchema<Sub>) -> KeywordRule {
        var rule = KeywordRule(name: name, shape: .block) { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            var value = model[keyPath: field] ?? make()
            value.source.declaration = value.source.declaration ?? statement.keyword.location
            schema().apply(statement.block?.statements ?? [], to: &value, context: &context)
            model[keyPath: field] = value
        }
        rule.nestedSchema = { schema().info }
        return rule
    }

    /// `weight N [reverse]` of a tracked object (vrrp_script, track_file, vrrp_track_process).
    static func trackedWeight(_ weight: Field<Model, Int>, reverse: Field<Model, Bool>, _ range: ClosedRange<Int>) -> KeywordRule {
        custom("weight") { model, statement, context in
            guard context.expectArguments(statement, 1...2),
                  let value = context.integer(statement.arguments[0], for: "weight", in: range) else { return }
            model[keyPath: weight] = value
            if statement.arguments.count == 2 {
                guard statement.arguments[1].text == "reverse" else {
                    context.log.error("'weight' takes only 'reverse' after the value; got '\(statement.arguments[1].text)'",
                                      at: statement.arguments[1].location)
                    return
                }
                model[keyPath: reverse] = true
            }
        }
    }

    /// A block of trackers: each line `NAME [weight N] [reverse|noreverse]`.
    static func trackers(_ name: String, _ field: Field<Model, [Tracker]>, weights: ClosedRange<Int>) -> KeywordRule {
        list(name, field) { line, context in TrackerReader.read(line, in: name, weights: weights, context: &context) }
    }

    /// A block of bare names (`group { VI_1 VI_2 }`, `notification_email { ... }`); like keepalived,
    /// every word counts, however the words are spread over lines.
    static func names(_ name: String, _ field: Field<Model, [String]>) -> KeywordRule {
        names(name, field, locations: nil)
    }

    static func names(_ name: String, _ field: Field<Model, [String]>, locations: Field<Model, MemberSources>) -> KeywordRule {
        names(name, field, locations: .some(locations))
    }

    private static func names(_ name: String, _ field: Field<Model, [String]>,
                              locations: (any WritableKeyPath<Model, MemberSources> & Sendable)?) -> KeywordRule {
        var rule = KeywordRule(name: name, shape: .block, repeatable: true) { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            for line in statement.block?.statements ?? [] {
                if let nested = line.block {
                    context.log.error("a '\(name)' entry cannot open a block", at: nested.open.location)
                }
                for token in [line.keyword] + line.arguments {
                    model[keyPath: field].append(token.text)
                    if let locations { model[keyPath: locations].locations.append(token.location) }
                }
            }
        }
        rule.blockKeywords = { [] }
        return rule
    }
}

enum TrackerReader {
    static func read(_ line: Statement, in block: String, weights: ClosedRange<Int>, context: inout BuildContext) -> Tracker? {
        var tracker = Tracker(name: line.keyword.text)
        tracker.source.declaration = line.keyword.location
        var index = 0
        let arguments = line.arguments
        while index < arguments.count {
            let token = arguments[index]
            switch token.text {
            case "weight":
                guard index + 1 < arguments.count else {
                    context.log.error("'weight' needs a value", at: token.location)
                    return nil
                }
                guard let weight = context.integer(arguments[index + 1], for: "weight", in: weights) else { return nil }
                tracker.weight = weight
                tracker.source.keywords["weight"] = arguments[index + 1].location
                index += 2
            case "reverse":
                tracker.reverse = true
                index += 1
            case "noreverse", "no_reverse":
                tracker.reverse = false
                index += 1
            default:
                let hint = Suggestions.closest(to: token.text, among: ["weight", "reverse", "noreverse"])
                context.log.error("unexpected '\(token.text)' in '\(block)' entry '\(tracker.name)'"
                                  + (hint.map { "; did you mean '\($0)'?" } ?? "; expected 'weight N' or 'reverse'"),
                                  at: token.location)
                return nil
            }
        }
        return tracker
    }
}

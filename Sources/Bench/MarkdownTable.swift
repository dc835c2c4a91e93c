// A table of summary.md: the header row, its separator, then one row per entry.
enum MarkdownTable {
    static func lines(_ header: [String], _ rows: [[String]]) -> [String] {
        [row(header), "|" + String(repeating: "---|", count: header.count)] + rows.map(row)
    }

    static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
}

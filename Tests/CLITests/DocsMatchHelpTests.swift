import Foundation
import Testing
import TestSupport

/// docs/cli.md and the commands' own help name the same options: every option a command
/// shows in `--help` is in the command's section of docs/cli.md, and every option a section's
/// tables name is one the command has. The commands' options come from ArgumentParser's own
/// description of the tool (`--experimental-dump-help`), so nothing here lists them again.
@Suite struct DocsMatchHelpTests {
    /// One command: its words (`["bench", "instructions"]`), its shown long options and every
    /// long option it takes (hidden ones and aliases included).
    struct Command {
        var path: [String]
        var shown: Set<String>
        var all: Set<String>
    }

    static func commands() throws -> [Command] {
        let r = try run(photophorePath, ["--experimental-dump-help"])
        #expect(r.status == 0, "\(r.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        var out: [Command] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            var shown = Set<String>(), all = Set<String>()
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                let longs = (argument["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" }.compactMap { $0["name"] as? String }
                for name in longs where name != "help" {
                    all.insert("--" + name)
                    if argument["shouldDisplay"] as? Bool ?? true { shown.insert("--" + name) }
                }
            }
            if !path.isEmpty { out.append(Command(path: path, shown: shown, all: all)) }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                walk(sub, path + [name])
            }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return out
    }

    /// The title of the section of docs/cli.md that documents `path`: `render`, `bench
    /// instructions`; `bench` (its default subcommand, `scenes`) and `memory`'s subcommands
    /// share their parent's section.
    static func title(_ path: [String]) -> String {
        path == ["bench", "scenes"] || path.first == "memory" ? path[0] : path.joined(separator: " ")
    }

    /// The text of the section titled `title` (`## render`, `### bench instructions`), up to
    /// the next heading of its level or above, or of another command (`titles`).
    static func section(_ title: String, in doc: String, titles: Set<String>) -> String? {
        let lines = doc.components(separatedBy: "\n")
        func heading(_ line: String) -> (level: Int, text: String)? {
            let hashes = line.prefix(while: { $0 == "#" }).count
            guard hashes > 0, line.dropFirst(hashes).hasPrefix(" ") else { return nil }
            return (hashes, String(line.dropFirst(hashes + 1)))
        }
        func text(from start: Int) -> String {
            let level = heading(lines[start])?.level ?? 1
            var end = start + 1
            while end < lines.count {
                if let h = heading(lines[end]), h.level <= level || titles.contains(h.text) { break }
                end += 1
            }
            return lines[start..<end].joined(separator: "\n")
        }
        guard let start = lines.firstIndex(where: { heading($0)?.text == title }) else { return nil }
        // Sections shared by several commands say so in their title: "Models (render and play)".
        let shared = lines.indices.filter { i in
            guard let h = heading(lines[i]), let open = h.text.firstIndex(of: "(") else { return false }
            return h.text[open...].split(whereSeparator: { !$0.isLetter }).contains { $0 == title }
        }
        return ([start] + shared).map(text(from:)).joined(separator: "\n")
    }

    /// The long options written in the first cell of a section's table rows.
    static func tableOptions(_ section: String) -> Set<String> {
        var out = Set<String>()
        for line in section.components(separatedBy: "\n") where line.hasPrefix("| ") {
            let cell = line.dropFirst(2).prefix(while: { $0 != "|" })
            var rest = Substring(cell)
            while let r = rest.range(of: "`") {
                rest = rest[r.upperBound...]
                guard let close = rest.range(of: "`") else { break }
                let code = rest[..<close.lowerBound]
                rest = rest[close.upperBound...]
                for word in code.split(separator: " ") where word.hasPrefix("--") {
                    out.insert(String(word.prefix(while: { $0 != "=" && $0 != "," })))
                }
            }
        }
        return out
    }

    @Test func everyShownOptionIsDocumentedAndEveryDocumentedOptionExists() throws {
        let doc = try String(contentsOfFile: repositoryRoot + "/docs/cli.md", encoding: .utf8)
        let commands = try Self.commands()
        #expect(commands.count >= 10, "the tool describes \(commands.count) commands")
        let titles = Set(commands.map { Self.title($0.path) })
        for command in commands where !command.all.isEmpty {
            let name = command.path.joined(separator: " ")
            guard let section = Self.section(Self.title(command.path), in: doc, titles: titles) else {
                Issue.record("docs/cli.md has no section for photophore \(name)")
                continue
            }
            for option in command.shown.sorted() {
                #expect(section.contains(option), "photophore \(name) \(option) is not in its section of docs/cli.md")
            }
            // A memory subcommand's options share one table with its siblings'.
            let siblings = commands.filter { $0.path.first == command.path.first && command.path.first == "memory" }
            let known = siblings.isEmpty ? command.all : siblings.reduce(into: Set<String>()) { $0.formUnion($1.all) }
            for option in Self.tableOptions(section).sorted() where !known.contains(option) {
                Issue.record("docs/cli.md documents \(option) for photophore \(name), which has no such option")
            }
        }
    }
}

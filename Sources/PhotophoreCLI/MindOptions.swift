import Basics
import ArgumentParser
import Engine
import Foundation
import Mind
import Stimuli
import Store

/// `--memory PATH`: which memory store to use.
struct MemoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The memory store (default: $XDG_STATE_HOME/photophore/memory.sqlite, else ~/.local/state/photophore/memory.sqlite).",
        valueName: "PATH"))
    var memory: String?

    /// The chosen path, or the default one.
    var path: String {
        guard let memory else { return MemoryStore.defaultPath() }
        return memory.hasPrefix("/") ? memory : FileManager.default.currentDirectoryPath + "/" + memory
    }

    /// The chosen path, once its folder is known to be one that can be (a file where a folder
    /// should be would fail later as an obscure Foundation error): exit 2 otherwise. For
    /// the commands that use a store; the others never look at its folder.
    func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let path = self.path
        var folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        while folder.count > 1 {
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
                guard !isDirectory.boolValue else { break }
                if memory == nil, let state = environment["XDG_STATE_HOME"], path.hasPrefix(state + "/") {
                    let what = folder == state ? "XDG_STATE_HOME is \(state), a file, not a folder" : "XDG_STATE_HOME is \(state), and \(folder) is a file, not a folder"
                    throw Failure.usage("\(what), so the memory store \(path) cannot be there; point XDG_STATE_HOME at a folder or unset it, or choose a store with --memory PATH")
                }
                throw Failure.usage("--memory \(memory ?? path): \(folder) is a file, not a folder; give a path inside a folder")
            }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return path
    }

    /// Refuses an empty path, and a folder where the store file should be (SQLite would only
    /// say "disk I/O error"): exit 2, while the arguments are parsed.
    func validate() throws {
        if memory?.isEmpty == true {
            throw ValidationError("--memory is empty; give the path of a store file, e.g. --memory memory.sqlite")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        guard let memory else {
            throw ValidationError("the default memory store \(path) is a directory; give the path of a store file with --memory PATH")
        }
        let example = (memory.hasSuffix("/") ? memory : memory + "/") + "memory.sqlite"
        throw ValidationError("--memory \(memory) is a directory; give the path of a store file, e.g. --memory \(example)")
    }
}

/// The memory a run starts from and, with `--remember`, where its changes are saved.
///
/// The rules every command shares: without `--memory` or `--remember` a run starts from a
/// fixed fresh memory and touches no file; `--memory PATH` reads a store that must exist and
/// never writes it; `--remember` reads and writes (creating the store), one session per run,
/// each event in its own transaction.
final class MemorySession {
    let store: MemoryStore?
    let state: Memory
    let userID: String
    let remember: Bool
    private var session: Int64?

    /// A user id for runs without a store, so `--variant auto` stays deterministic.
    static let fixedUserID = "00000000-0000-0000-0000-000000000000"

    init(options: MemoryOptions, remember: Bool) throws {
        self.remember = remember
        guard remember || options.memory != nil else {
            store = nil
            state = .fresh
            userID = Self.fixedUserID
            return
        }
        let path = try options.resolvedPath()
        if !remember && !MemoryStore.exists(at: path) {
            throw Failure.runtime("no memory store at \(path); pass --remember to create one, or leave out --memory to start fresh")
        }
        do {
            let s = try MemoryStore(path: path, writable: remember, scenes: SceneRegistry.memories)
            store = s
            state = s.state
            userID = s.userID
        } catch {
            throw error.failure
        }
    }

    /// Starts the session that saved events belong to (only with `--remember`).
    func begin(scene: SceneName, clock: WallClock?, profile: Profile) throws {
        guard remember, let store else { return }
        do { session = try store.beginSession(scene: scene, clock: clock, profile: profile) } catch { throw error.failure }
    }

    /// Saves events (only with `--remember`).
    func save(_ events: [MemoryEvent]) throws {
        guard remember, let store, !events.isEmpty else { return }
        do { try store.append(events, session: session) } catch { throw error.failure }
    }
}

/// `--profile` and `--variant`: the named profiles (docs/product.md, "Profiles"; the hash of
/// `--variant auto` in docs/mind-and-memory.md).
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A profile: complexity (basic|standard|advanced), trust rate (0.7|1.0|1.3) and richness (minimal|standard|rich), comma-separated in any order, e.g. advanced,1.3,rich. Unnamed parts are standard.",
        valueName: "SPEC"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp(
        "auto: pick the profile by a stable hash of the memory's user id (30/50/20, 25/50/25, 25/50/25).",
        valueName: "auto"))
    var variant: String?

    func resolve(userID: String) throws -> Profile {
        if let variant {
            guard variant == "auto" else { throw Failure.usage("--variant accepts only auto, not \(variant)") }
            guard profile == nil else { throw Failure.usage("choose either --profile or --variant auto, not both") }
            return Profile.variant(forUserID: userID)
        }
        guard let profile else { return .standard }
        var p = Profile.standard
        for part in profile.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if let c = Complexity(rawValue: part) {
                p.complexity = c
            } else if let r = TrustRate.allCases.first(where: { Double($0.rawValue) == Double(part) }) {
                p.trustRate = r
            } else if let v = Richness(rawValue: part) {
                p.richness = v
            } else {
                throw Failure.usage("unknown profile part \"\(part)\"; use basic|standard|advanced, 0.7|1.0|1.3 and minimal|standard|rich, e.g. --profile advanced,1.3,rich")
            }
        }
        return p
    }
}

extension StoreError {
    /// Store failures are runtime failures (exit 1).
    var failure: Failure { Failure.runtime(description) }

    /// The failure of a `memory` command that writes the store and has no `--remember` to
    /// leave out (forget, import, repair, reset): a read-only store gets advice of its own.
    func failure(command: String) -> Failure {
        guard kind == .readOnly else { return failure }
        return Failure.runtime("memory store \(path) is read-only (\(detail)); nothing was changed: make the file and its folder writable (chmod u+w, or chattr -i if it is immutable), then run `photophore memory \(command)` again")
    }
}

/// A number with a fixed number of decimals (`NumberText.fixed`), for the commands' text.
func fixed(_ value: Double, _ decimals: Int = 1) -> String { NumberText.fixed(value, decimals) }

/// Reads a whole text file, or fails with exit code 2 naming the file.
func readTextFile(_ path: String, what: String, limit: Int = Limits.textFileBytes) throws -> String {
    guard !path.isEmpty else { throw Failure.usage("the \(what) path is empty; give the path of a file") }
    var st = stat()
    guard stat(path, &st) == 0 else {
        let e = errno
        if e == ENOENT { throw Failure.usage("cannot read \(what) \(path): no such file; check the path") }
        if e == ENOTDIR { throw Failure.usage("cannot read \(what) \(path): a part of the path is a file, not a folder; check the path") }
        throw Failure.usage("cannot read \(what) \(path): \(String(cString: strerror(e))); check the path and its permissions")
    }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw Failure.usage("cannot read \(what) \(path): it is a folder; give a file") }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
        throw Failure.usage("cannot read \(what) \(path): it is not a regular file (a device, pipe or socket); save it to a file and give that")
    }
    guard Int(st.st_size) <= limit else {
        throw Failure.usage("cannot read \(what) \(path): \(st.st_size) bytes, more than the \(limit) a \(what) may have; split it or make it smaller")
    }
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw Failure.usage("cannot read \(what) \(path): \(String(cString: strerror(access(path, R_OK) == 0 ? EIO : errno))); check its permissions")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw Failure.usage("\(what) \(path) is not UTF-8 text")
    }
    return text
}

/// Writes a text file with `writeAtomically` (never half-written), or fails with exit code 1.
func writeTextFile(_ text: String, to path: String, mode: mode_t = 0o644) throws {
    do throws(WriteError) { try writeAtomically(Array(text.utf8), to: path, mode: mode) } catch { throw Failure.runtime(error.description) }
}

/// `--clock TIME`: pins the calendar (the wall clock of t = 0) that trust decay and the daily
/// visit bonus use, so a run does not depend on today's date.
struct ClockOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The wall clock at t = 0, ISO 8601 with an offset, e.g. 2026-11-21T09:30:00Z or 2026-11-21T10:30:00+01:00 (default: a script's own clock; for play, now).",
        valueName: "TIME"))
    var clock: String?

    /// The pinned clock, or nil when none was given.
    func resolve() throws -> WallClock? {
        guard let clock else { return nil }
        guard let parsed = WallClock(rfc3339: clock) else {
            throw Failure.usage("--clock \(clock): use an ISO 8601 time with an offset, e.g. --clock 2026-11-21T09:30:00Z")
        }
        let year = WallClock.civilFromDays(Int((parsed.unixSeconds / 86_400).rounded(.down))).year
        guard (1970...9999).contains(year) else {
            throw Failure.usage("--clock \(clock): the year must be 1970 to 9999")
        }
        return parsed
    }
}

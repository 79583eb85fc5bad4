#if canImport(Glibc)
import Glibc
#endif

/// Which file a path names, so that two paths can be compared however they are spelt
/// (`x.mp4` and `./x.mp4`, a symbolic link and its target, a hard link).
///
/// A file that exists is its device and inode; one that does not exist yet is its absolute
/// path with the folder's symbolic links resolved (and `.`/`..` gone), which is where it
/// will be created.
public enum FileIdentity: Hashable, Sendable {
    case inode(device: UInt64, inode: UInt64)
    case path(String)

    /// The identity of `path` now, following symbolic links.
    public init(_ path: String) {
        var st = stat()
        if stat(path, &st) == 0 {
            self = .inode(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
            return
        }
        self = .path(Self.resolvedPath(path))
    }

    /// `path` made absolute, its folder resolved by `realpath` where that folder exists, else
    /// normalised by its words.
    static func resolvedPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        var parts = normalised(absolute)
        guard let name = parts.popLast() else { return "/" }
        let folder = "/" + parts.joined(separator: "/")
        if let base = realPath(folder) { return (base == "/" ? "" : base) + "/" + name }
        return folder == "/" ? "/" + name : folder + "/" + name
    }

    /// The components of an absolute path with `.`, empty words and `..` worked out.
    static func normalised(_ absolute: String) -> [String] {
        var out: [String] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = out.popLast(); continue }
            out.append(String(part))
        }
        return out
    }

    static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}

/// The canonical absolute path of an existing file or folder, symbolic links followed
/// (`realpath(3)`), or nil with errno set.
public func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// The files one command reads and writes, each under the name the user gave it (`-o x.mp4`,
/// `--memory S`). A command claims every path before it writes anything; two claims that
/// name the same file (`FileIdentity`) where either of them is written are refused, so no
/// output overwrites an input or another output.
public struct PathClaims: Sendable {
    /// Two claims on one file: `first` and `second` are how the user named them.
    public struct Clash: Error, CustomStringConvertible, Sendable {
        public let first: String
        public let second: String
        public var description: String {
            "\(first) and \(second) are the same file; give each its own path"
        }
    }

    private struct Claim: Sendable {
        let identity: FileIdentity
        let folder: FileIdentity
        let folderPath: String
        let file: String
        let name: String
        let writes: Bool
        let sharing: String?
    }

    /// Numbered files a command writes in one folder.
    private struct Sequence: Sendable {
        let folder: FileIdentity
        let folderPath: String
        let contains: @Sendable (String) -> Bool
        let name: String
    }

    private var claims: [Claim] = []
    private var sequences: [Sequence] = []

    public init() {}

    /// Claims `path`, which the command will write, named `name` in messages (e.g.
    /// `"-o x.mp4"`, `"the poster of -o x.mp4 (x.poster.webp)"`). Claims with the same
    /// `sharing` tag may name one file: they write the same bytes (two videos' one poster).
    public mutating func output(_ path: String, as name: String, sharing: String? = nil) throws(Clash) {
        try claim(path, name: name, writes: true, sharing: sharing)
    }

    /// Claims `path`, which the command will only read: inputs may be read by several roles,
    /// but no output may be one of them.
    public mutating func input(_ path: String, as name: String) throws(Clash) {
        try claim(path, name: name, writes: false)
    }

    /// Claims the numbered files of a sequence written in `folder`: a file name that
    /// `contains` accepts is one of them.
    public mutating func outputSequence(in folder: String, as name: String, contains: @escaping @Sendable (String) -> Bool) throws(Clash) {
        let folderPath = folder.isEmpty ? "." : folder
        let sequence = Sequence(folder: FileIdentity(folderPath), folderPath: folderPath, contains: contains, name: name)
        if let earlier = claims.first(where: { $0.folder == sequence.folder && contains($0.file) }) {
            throw Clash(first: earlier.name, second: name)
        }
        sequences.append(sequence)
    }

    private mutating func claim(_ path: String, name: String, writes: Bool, sharing: String? = nil) throws(Clash) {
        let (folder, file) = Self.split(path)
        let c = Claim(identity: FileIdentity(path), folder: FileIdentity(folder), folderPath: folder, file: file, name: name,
                      writes: writes, sharing: sharing)
        if let earlier = claims.first(where: { $0.identity == c.identity && ($0.writes || writes) && (sharing == nil || $0.sharing != sharing) }) {
            throw Clash(first: earlier.name, second: name)
        }
        if let sequence = sequences.first(where: { $0.folder == c.folder && $0.contains(file) }) {
            throw Clash(first: sequence.name, second: name)
        }
        claims.append(c)
    }

    /// The folders that outputs are written into (each once, as given).
    public var outputFolders: [String] {
        var seen = Set<FileIdentity>(), out: [String] = []
        for c in claims where c.writes && seen.insert(c.folder).inserted { out.append(c.folderPath) }
        for s in sequences where seen.insert(s.folder).inserted { out.append(s.folderPath) }
        return out
    }

    /// The folder (`.` for a bare name) and the file name of a path.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        return (folder, String(path[path.index(after: slash)...]))
    }
}

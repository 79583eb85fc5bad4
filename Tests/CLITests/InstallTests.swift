import Foundation
import Testing
import TestSupport

/// tools/install.sh end to end: it installs the release binary the tests run into a temporary
/// prefix, every file is checked with the tool that judges its kind (desktop-file-validate,
/// groff, the PNG header), the installed program runs, and --uninstall leaves the prefix as it
/// was, a memory store inside it untouched. tools/package-deb.sh is checked too when the
/// self-contained binary is built from this very tree (tools/test-deb.sh, run by CI, installs
/// the package in a clean Debian root).
@Suite("Install", .serialized)
struct InstallTests {
    static let installScript = repositoryRoot + "/tools/install.sh"
    static let sizes = [16, 32, 48, 64, 128, 256]
    static let subcommandPages = ["play", "render", "simulate", "memory", "memory.show", "memory.stats", "bench",
                                  "bench.soak", "bench.workload", "version"]

    /// A temporary prefix with a fake memory store inside it, where ~/.local/state lies inside
    /// ~/.local, and a file of someone else's in one of the folders the install writes to.
    struct Prefix {
        let root = temporaryDirectory()
        var path: String { root + "/prefix" }
        var state: String { path + "/state" }
        var store: String { state + "/photophore/memory.sqlite" }
        var environment: [String: String] { ["XDG_STATE_HOME": state] }

        init() throws {
            try FileManager.default.createDirectory(atPath: state + "/photophore", withIntermediateDirectories: true)
            try Data("not really SQLite, and it must stay as it is".utf8).write(to: URL(fileURLWithPath: store))
            try FileManager.default.createDirectory(atPath: path + "/share/applications", withIntermediateDirectories: true)
            try "[Desktop Entry]\nName=Someone else's\n".write(toFile: path + "/share/applications/other.desktop", atomically: true, encoding: .utf8)
        }

        func install(_ extra: [String] = []) throws -> RunResult {
            try run(InstallTests.installScript, ["--prefix", path, "--binary", photophorePath] + extra, environment: environment)
        }

        func uninstall() throws -> RunResult {
            try run(InstallTests.installScript, ["--uninstall", "--prefix", path], environment: environment)
        }

        /// Every file and folder under the temporary root, with each file's bytes.
        func listing() -> [String: Data?] {
            var entries: [String: Data?] = [:]
            let walk = FileManager.default.enumerator(atPath: root)
            while let relative = walk?.nextObject() as? String {
                var isFolder: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder)
                entries[relative] = isFolder.boolValue ? nil : FileManager.default.contents(atPath: root + "/" + relative)
            }
            return entries
        }

        func cleanup() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// The files the install must put under the prefix.
    static var expectedFiles: [String] {
        ["bin/photophore", "share/applications/photophore-candlefish.desktop", "share/applications/photophore-emergence.desktop",
         "share/man/man1/photophore.1", "share/bash-completion/completions/photophore", "share/zsh/site-functions/_photophore",
         "share/fish/vendor_completions.d/photophore.fish", "share/photophore/install-manifest.txt"]
            + sizes.map { "share/icons/hicolor/\($0)x\($0)/apps/photophore.png" }
            + subcommandPages.map { "share/man/man1/photophore.\($0).1" }
    }

    @Test("installs every file, each valid; the installed program runs; uninstall leaves the prefix as it was and the store untouched")
    func installValidateRunUninstall() throws {
        let prefix = try Prefix()
        defer { prefix.cleanup() }
        let before = prefix.listing()

        let installed = try prefix.install()
        #expect(installed.status == 0, "\(installed.stderr)")
        for file in Self.expectedFiles {
            #expect(FileManager.default.fileExists(atPath: prefix.path + "/" + file), "\(file) is installed")
        }
        // The manifest lists every file put there, and nothing that was there before.
        let manifest = try String(contentsOfFile: prefix.path + "/share/photophore/install-manifest.txt", encoding: .utf8)
        let listed = Set(manifest.split(separator: "\n").filter { $0.hasPrefix("file ") }.map { String($0.split(separator: " ")[2]) })
        let added = Set(prefix.listing().keys).subtracting(before.keys)
        let addedFiles = added.filter { !FileManager.default.isDirectory(prefix.root + "/" + $0) }.map { String($0.dropFirst("prefix/".count)) }
        #expect(Set(addedFiles) == listed.union(["share/photophore/install-manifest.txt"]))
        #expect(!manifest.contains("other.desktop") && !manifest.contains("state/"))

        // Desktop entries: valid, starting the installed program by its full path, with the icon.
        for scene in ["candlefish", "emergence"] {
            let entry = prefix.path + "/share/applications/photophore-\(scene).desktop"
            let validate = try run("/usr/bin/desktop-file-validate", [entry])
            #expect(validate.status == 0 && validate.stdout.isEmpty && validate.stderr.isEmpty, "\(validate.stdout)\(validate.stderr)")
            let text = try String(contentsOfFile: entry, encoding: .utf8)
            #expect(text.contains("\nExec=\(prefix.path)/bin/photophore play \(scene)\n"), "\(text)")
            #expect(text.contains("\nIcon=photophore\n") && text.contains("\nTerminal=false\n"))
        }

        // Man pages: groff reads every one without a warning, and they describe the real options.
        let pages = try FileManager.default.contentsOfDirectory(atPath: prefix.path + "/share/man/man1").sorted()
        #expect(pages.count >= Self.subcommandPages.count + 1)
        for page in pages {
            let check = try run("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", prefix.path + "/share/man/man1/" + page])
            #expect(check.status == 0 && check.stderr.isEmpty, "\(page): \(check.stderr)")
        }
        let render = try run("/usr/bin/man", ["-l", prefix.path + "/share/man/man1/photophore.render.1"], environment: ["MANPAGER": "cat", "MANWIDTH": "100", "LC_ALL": "C"])
        #expect(render.status == 0)
        for option in ["--richness", "--frames", "--script", "--output"] {
            #expect(render.stdout.contains(option), "the render page documents \(option)")
        }

        // Completions: non-empty, naming the subcommands.
        for file in ["share/bash-completion/completions/photophore", "share/zsh/site-functions/_photophore",
                     "share/fish/vendor_completions.d/photophore.fish"] {
            let text = try String(contentsOfFile: prefix.path + "/" + file, encoding: .utf8)
            for word in ["play", "render", "simulate", "memory", "bench", "version"] {
                #expect(text.contains(word), "\(file) mentions \(word)")
            }
        }

        // Icons: PNGs of the size their folder says.
        for size in Self.sizes {
            let png = try #require(FileManager.default.contents(atPath: prefix.path + "/share/icons/hicolor/\(size)x\(size)/apps/photophore.png"))
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            let word = { (at: Int) in png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
            #expect(word(16) == size && word(20) == size, "the \(size)x\(size) icon is \(word(16))x\(word(20))")
        }

        // The installed program runs and says what the tested one says.
        let version = try run(prefix.path + "/bin/photophore", ["version"])
        #expect(version.status == 0)
        #expect(version.stdout == (try photophore("version")).stdout)
        #expect(version.stdout.contains("\ncommit "))

        // Installing again replaces the install; then uninstall removes exactly it.
        let again = try prefix.install()
        #expect(again.status == 0, "\(again.stderr)")
        let removed = try prefix.uninstall()
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(prefix.listing() == before, "the prefix is as it was before the install")
        #expect(FileManager.default.contents(atPath: prefix.store) == before["prefix/state/photophore/memory.sqlite"]!)

        let twice = try prefix.uninstall()
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("no install manifest") && twice.stderr.split(separator: "\n").count == 1, "\(twice.stderr)")
    }

    @Test("uninstall keeps a file changed since the install, and removes the folders it made only when empty")
    func uninstallKeepsChangedFiles() throws {
        let prefix = try Prefix()
        defer { prefix.cleanup() }
        #expect(try prefix.install().status == 0)
        let changed = prefix.path + "/share/applications/photophore-emergence.desktop"
        try "[Desktop Entry]\nName=Mine now\n".write(toFile: changed, atomically: true, encoding: .utf8)
        let removed = try prefix.uninstall()
        #expect(removed.status == 0)
        #expect(removed.stderr.contains("kept \(changed)"), "\(removed.stderr)")
        #expect(FileManager.default.fileExists(atPath: changed))
        #expect(!FileManager.default.fileExists(atPath: prefix.path + "/bin"), "bin/ was made by the install and is empty again")
        #expect(!FileManager.default.fileExists(atPath: prefix.path + "/share/photophore"))
        #expect(FileManager.default.fileExists(atPath: prefix.store))
    }

    @Test("bad arguments, a prefix that cannot be written, a damaged manifest: exit 2 with one line, nothing changed")
    func refusals() throws {
        let prefix = try Prefix()
        defer { prefix.cleanup() }
        let before = prefix.listing()
        func expectRefused(_ result: RunResult, says: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(result.status == 2, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(says) && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)",
                    sourceLocation: sourceLocation)
        }
        expectRefused(try run(Self.installScript, ["--frobnicate"]), says: "unknown argument --frobnicate")
        expectRefused(try run(Self.installScript, ["--prefix"]), says: "--prefix needs a folder")
        expectRefused(try run(Self.installScript, ["--uninstall", "--binary", photophorePath, "--prefix", prefix.path]), says: "--uninstall takes no --binary")
        expectRefused(try prefix.install(["--binary", prefix.root + "/missing"]), says: "is not an executable file")
        expectRefused(try prefix.uninstall(), says: "no install manifest")
        expectRefused(try run(Self.installScript, ["--prefix", prefix.store + "/under-a-file", "--binary", photophorePath]), says: "is not a folder")
        expectRefused(try run(Self.installScript, ["--prefix", prefix.state + "/photophore/x", "--binary", photophorePath],
                              environment: prefix.environment), says: "inside the memory store")

        // A read-only folder (as root, permissions bind only without CAP_DAC_OVERRIDE).
        let locked = prefix.root + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o555)
        defer { chmod(locked, 0o755) }
        let arguments = [Self.installScript, "--prefix", locked + "/p", "--binary", photophorePath]
        let drop = "-dac_override,-dac_read_search"
        let unwritable = geteuid() == 0
            ? try run("/usr/bin/setpriv", ["--bounding-set", drop, "--inh-caps", drop, "--"] + arguments)
            : try run(arguments[0], Array(arguments.dropFirst()))
        expectRefused(unwritable, says: "cannot write to \(locked)/p")
        #expect(try FileManager.default.contentsOfDirectory(atPath: locked).isEmpty)

        // A manifest that names a path outside the prefix removes nothing at all.
        try FileManager.default.createDirectory(atPath: prefix.path + "/share/photophore", withIntermediateDirectories: true)
        let manifest = prefix.path + "/share/photophore/install-manifest.txt"
        try "prefix \(prefix.path)\nfile 0 ../outside\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        expectRefused(try prefix.uninstall(), says: "not a path inside the prefix")
        try "prefix \(prefix.path)\nfile 0 state/photophore/memory.sqlite\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        expectRefused(try prefix.uninstall(), says: "inside the memory store")
        try FileManager.default.removeItem(atPath: prefix.path + "/share/photophore")
        chmod(locked, 0o755)
        try FileManager.default.removeItem(atPath: locked)
        #expect(prefix.listing() == before)
    }

    /// The self-contained binary, when it was built from the same commit and tree as the
    /// binary under test (tools/build-static.sh); a stale one would test another program.
    static let currentStaticBinary: String? = {
        let path = repositoryRoot + "/.build/static/release/photophore"
        guard FileManager.default.isExecutableFile(atPath: path),
              let tested = try? photophore("version").stdout, let built = try? run(path, ["version"]).stdout else { return nil }
        let commit = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("commit ") } }
        return commit(tested) != nil && commit(tested) == commit(built) ? path : nil
    }()

    @Test("package-deb.sh: a .deb with the installed layout, computed Depends naming Debian packages, no lintian errors",
          .enabled(if: currentStaticBinary != nil, "needs tools/build-static.sh's binary built from this tree"))
    func packageDeb() throws {
        let out = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let built = try run(repositoryRoot + "/tools/package-deb.sh", ["--binary", Self.currentStaticBinary!, "--output", out])
        #expect(built.status == 0, "\(built.stderr)")
        let deb = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasPrefix(out + "/photophore_") && deb.hasSuffix("_amd64.deb"))
        #expect(!built.stderr.contains("\nE:") && built.stderr.contains("lintian: 0 errors"), "\(built.stderr)")

        let field = { (name: String) throws -> String in
            try run("/usr/bin/dpkg-deb", ["-f", deb, name]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try run("/usr/bin/dpkg", ["--validate-version", try field("Version")]).status == 0)
        let depends = try field("Depends")
        let names = depends.split(separator: ",").map { String($0.split(separator: " ").first ?? "") }
        for library in ["libc6", "libpng16-16", "libsdl2-2.0-0", "libsqlite3-0", "libavcodec59", "libavformat59", "libavutil57"] {
            #expect(names.contains(library), "Depends names \(library): \(depends)")
        }
        for name in names {
            let known = try run("/usr/bin/apt-cache", ["show", "--no-all-versions", name])
            #expect(known.status == 0 && known.stdout.contains("Package: \(name)"), "\(name) is a Debian package")
        }
        let contents = try run("/usr/bin/dpkg-deb", ["-c", deb]).stdout
        for path in ["./usr/bin/photophore", "./usr/share/applications/photophore-candlefish.desktop",
                     "./usr/share/icons/hicolor/256x256/apps/photophore.png", "./usr/share/man/man1/photophore.1.gz",
                     "./usr/share/man/man1/photophore.render.1.gz", "./usr/share/zsh/vendor-completions/_photophore",
                     "./usr/share/doc/photophore/copyright", "./usr/share/doc/photophore/changelog.Debian.gz"] {
            #expect(contents.contains(" \(path)\n"), "the package holds \(path)")
        }
        #expect(!contents.contains("install-manifest"))
    }
}

extension FileManager {
    func isDirectory(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}

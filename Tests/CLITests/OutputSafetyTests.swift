import Foundation
import Testing
import TestSupport

/// Outputs that cannot be written fail before the render, and what a killed run left behind
/// does not outlive the next run into the same folder.
@Suite struct OutputSafetyTests {
    /// A process id that is surely gone: a child that ran and was reaped.
    static func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    @Test func staleTemporariesOfADeadRunAreRemovedAndALivingOnesKept() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dead = try Self.deadPID(), alive = ProcessInfo.processInfo.processIdentifier
        let stale = ["out.mp4.partial-\(dead)", "frame.png.partial-\(dead)-140212345", "old.png.partial-\(dead)-0"]
        let kept = ["busy.mp4.partial-\(alive)", "notes.partial-x1", "report.partial-"]
        for name in stale + kept { try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        let (r, _) = try photophoreBounded(["render", "candlefish", "--size", "32x18", "-o", "still.png"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        for name in stale { #expect(!left.contains(name), "\(name) was left") }
        for name in kept { #expect(left.contains(name), "\(name) was removed") }
        #expect(left.contains("still.png"))
    }

    /// `/proc` takes no new files: the render stops before drawing, and writes nothing.
    @Test func anUnwritableHashFileStopsTheRenderBeforeAnyOutput() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (r, _) = try photophoreBounded(["render", "candlefish", "--size", "32x18", "--frames", "0..1", "-o", "v.mp4",
                                            "--frame-hashes", "/proc/h.txt"], cwd: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("photophore: cannot write /proc/h.txt") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "nothing is written")
    }

    /// A folder where a file is named as the output's folder, and a special file as output.
    @Test func aFileWhereAFolderShouldBeAndASpecialFileAreNamedForWhatTheyAre() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/plain"))
        let (a, _) = try photophoreBounded(["render", "candlefish", "--size", "32x18", "-o", "plain/x.png"], cwd: dir)
        #expect(a.status == 1 && a.stderr.contains("plain is a file, not a folder"), "\(a.stderr)")
        let (b, _) = try photophoreBounded(["render", "candlefish", "--size", "32x18", "-o", "x.png", "--frame-hashes", "/dev/null"], cwd: dir)
        #expect(b.status == 1 && b.stderr.contains("not a regular file"), "\(b.stderr)")
    }

    /// `play` with no display it can reach says so in one line, exit 4, whatever the
    /// environment names: an X display that is not there, or a Wayland one without its runtime
    /// folder (libwayland printed a line of its own before).
    @Test(arguments: [["DISPLAY": ":4243", "WAYLAND_DISPLAY": ""], ["DISPLAY": "", "WAYLAND_DISPLAY": "wayland-77", "XDG_RUNTIME_DIR": ""],
                      ["DISPLAY": ":4243", "WAYLAND_DISPLAY": "wayland-77", "XDG_RUNTIME_DIR": "/nonexistent"]])
    func playWithoutAReachableDisplayPrintsOneLine(_ environment: [String: String]) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(photophorePath, ["play", "candlefish", "--frames", "1"],
                        environment: environment.merging(["XDG_STATE_HOME": dir + "/state", "SDL_VIDEODRIVER": ""]) { a, _ in a }, cwd: dir, timeout: 60)
        #expect(r.status == 4, "\(environment): exit \(r.status): \(r.stderr)")
        #expect(r.stderr.hasPrefix("photophore: ") && r.stderr.split(separator: "\n").count == 1, "\(environment): \(r.stderr)")
    }
}

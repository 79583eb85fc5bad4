import Foundation
import Raster
import Sinks
import Testing

/// A private X server for one test: Xvfb on a free display.
final class VirtualDisplay {
    let display: String
    private let process = Process()

    init() throws {
        // Xvfb picks a free display itself and writes its number once it accepts clients
        // (-displayfd): choosing one here raced with other suites starting servers at once.
        let ready = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/Xvfb")
        process.arguments = ["-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"]
        process.standardOutput = ready
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = ready.fileHandleForReading.availableData
            if chunk.isEmpty { throw CocoaError(.fileNoSuchFile) }  // Xvfb exited first
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw CocoaError(.fileNoSuchFile) }
        display = ":\(n)"
    }

    deinit {
        // Xvfb can ignore SIGTERM while a client is closing; it holds nothing worth saving.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// `photophore play` in a real window under Xvfb, driven by real X input (xdotool).
@Suite(.serialized) struct PlayTests {
    /// Runs `play` in the background, drives it with xdotool commands, and waits for it.
    static func play(_ args: [String], display: VirtualDisplay, actions: [[String]]) throws -> RunResult {
        let env = ["DISPLAY": display.display]
        let driver = Thread {
            // SDL centres the window; moves are relative to it ("WINDOW" in an action).
            let found = try? run("/usr/bin/xdotool", ["search", "--sync", "--name", "Photophore"], environment: env)
            let window = found?.stdout.split(separator: "\n").first.map(String.init) ?? ""
            for a in actions {
                if a.first == "sleep" { usleep(UInt32((Double(a[1]) ?? 0) * 1e6)); continue }
                _ = try? run("/usr/bin/xdotool", a.map { $0 == "WINDOW" ? window : $0 }, environment: env)
            }
        }
        driver.start()
        return try run(photophorePath, ["play"] + args, environment: env)
    }

    /// A fast circle of pointer moves inside the window (which Xvfb puts at the top-left).
    static func circle(_ n: Int, radius: Double, centre: (Double, Double)) -> [[String]] {
        (0..<n).flatMap { i -> [[String]] in
            let a = Double(i) / 8 * 2 * .pi
            return [["mousemove", "--window", "WINDOW", String(Int(centre.0 + radius * cos(a))), String(Int(centre.1 + radius * sin(a)))],
                    ["sleep", "0.03"]]
        }
    }

    @Test func windowShowsTheSceneTogglesTheHUDReactsToThePointerAndQuitsCleanly() throws {
        let display = try VirtualDisplay()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A person the fish already trusts: the pointer's presence makes it trusting.
        let warm = try photophore("simulate", "candlefish", "--script", repositoryRoot + "/assets/scripts/gentle-60s.json",
                                  "--memory", dir + "/m.sqlite", "--remember")
        #expect(warm.status == 0, "\(warm.stderr)")
        var actions: [[String]] = [["sleep", "1.0"]]
        actions += Self.circle(40, radius: 40, centre: (160, 120))
        actions += [["key", "h"], ["sleep", "1.0"], ["key", "Escape"]]
        let r = try Self.play(["candlefish", "--size", "320x240", "--frames", "100000", "--memory", dir + "/m.sqlite",
                               "--record", dir + "/rec.json", "--screenshot", dir + "/shot.png"], display: display, actions: actions)
        #expect(r.status == 0, "play failed: \(r.stderr)")

        // The screenshot shows the scene, not black, and the HUD that H turned on.
        let shot = try PNG.read(dir + "/shot.png")
        var sum = 0, hudInk = 0
        for y in 0..<shot.height { for x in 0..<shot.width {
            let p = shot[x, y]
            sum += Int(p.x) + Int(p.y) + Int(p.z)
            if x < 200 && y < 24 && p.x > 200 && p.y > 200 && p.z > 200 { hudInk += 1 }
        } }
        #expect(Double(sum) / Double(shot.width * shot.height * 3) > 10, "the window is black")
        #expect(hudInk > 30, "the HUD text is not visible after pressing H")

        // The injected pointer reached the fish: recorded as stimuli, and it changed the mood.
        let recording = try String(contentsOfFile: dir + "/rec.json", encoding: .utf8)
        #expect(recording.components(separatedBy: "\"pointer\"").count > 20)
        // History lines read "#N  session S  candlefish  …": keep the played (last) session.
        let history = try photophore("memory", "history", "--memory", dir + "/m.sqlite").stdout.split(separator: "\n")
        let sessionOf = { (line: Substring) -> Int in Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first ?? "") ?? 0 }
        let last = history.map(sessionOf).max() ?? 0
        let lastSession = history.filter { sessionOf($0) == last }.joined(separator: "\n")
        #expect(lastSession.contains("→ trusting"), "no mood change to trusting in the played session:\n\(lastSession)")
        // Quitting with Esc ended the session properly.
        #expect(lastSession.contains("session end"))
    }

    @Test func aRecordedSessionReplaysHeadlessToTheSameFrames() throws {
        let display = try VirtualDisplay()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var actions: [[String]] = [["sleep", "0.5"]]
        actions += Self.circle(30, radius: 60, centre: (160, 120))
        actions += [["click", "1"], ["sleep", "0.3"]]
        let frames = 240
        let r = try Self.play(["candlefish", "--size", "320x240", "--frames", String(frames), "--no-remember",
                               "--record", dir + "/rec.json", "--frame-hashes", dir + "/window.txt"], display: display, actions: actions)
        #expect(r.status == 0, "\(r.stderr)")
        let headless = try photophore("render", "candlefish", "--frames", "0..\(frames - 1)", "--size", "320x240",
                                      "--script", dir + "/rec.json", "--frame-hashes", dir + "/headless.txt", "-o", dir + "/out/")
        #expect(headless.status == 0, "\(headless.stderr)")
        let window = try String(contentsOfFile: dir + "/window.txt", encoding: .utf8)
        let replay = try String(contentsOfFile: dir + "/headless.txt", encoding: .utf8)
        #expect(window.split(separator: "\n").count == frames)
        #expect(window == replay, "the headless replay differs from what the window showed")
        #expect(try String(contentsOfFile: dir + "/rec.json", encoding: .utf8).contains("\"click\""))
    }
}

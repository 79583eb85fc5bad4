import Foundation
import Mind
import Raster
import Sinks
import Stimuli
import Testing
import TestSupport

/// `photophore play` in a real window under Xvfb, driven by real X input (xdotool).
///
/// These check the plumbing through X: events arrive and are recorded with their stamps, the
/// HUD shows, the session ends and is saved, and a recording replays headless to the frames
/// the window showed. They wait on the program's state (the window exists, events are handled
/// in order, the process exits), never on a guess of how long something takes. Behaviour
/// (moods, trust) is checked deterministically with scripts, in `gentlePathMakesATrustedFishTrusting`.
@Suite(.serialized) struct PlayTests {
    /// Runs `play` in the background, drives it with xdotool commands once its window is
    /// mapped, and waits for it to exit. `["pause", s]` waits s seconds between inputs: the pace
    /// of a pointer path, not a synchronisation.
    ///
    /// Input reaches the window only once it is viewable (without a window manager the key
    /// focus follows the pointer, and a key pressed over an unmapped window goes to the root),
    /// so the driver waits for a visible window, and each pointer move waits until X has moved
    /// the pointer. A session that never sees its Esc is killed after `timeout` seconds and the
    /// test fails saying so, rather than stalling the run.
    static func play(_ args: [String], display: VirtualDisplay, actions: [[String]], timeout: Double = 300) throws -> RunResult {
        let env = display.environment
        let driver = Thread {
            let found = try? run("/usr/bin/xdotool", ["search", "--sync", "--onlyvisible", "--name", "Photophore"],
                                 environment: env, timeout: timeout)
            let window = found?.stdout.split(separator: "\n").first.map(String.init) ?? ""
            for a in actions {
                if a.first == "pause" { usleep(UInt32((Double(a[1]) ?? 0) * 1e6)); continue }
                var command = a.map { $0 == "WINDOW" ? window : $0 }
                if command.first == "mousemove" { command.insert("--sync", at: 1) }
                _ = try? run("/usr/bin/xdotool", command, environment: env, timeout: 60)
            }
        }
        driver.start()
        let r = try run(photophorePath, ["play"] + args, environment: env, timeout: timeout)
        if r.timedOut { Issue.record("play did not end within \(timeout) s: its Esc never arrived (stderr: \(r.stderr))") }
        return r
    }

    /// Seconds between two pointer moves of a path.
    static let movePause = 0.03

    /// A circle of pointer moves in a `width` × `height` window that the candlefish's own rules
    /// call gentle: each move covers at most a quarter of `fastExit` view heights per second
    /// at the path's pace, so even two moves read as one stay far below the fast threshold.
    static func gentleCircle(_ n: Int, width: Int, height: Int) -> [[String]] {
        let tuning = CandlefishTuning()
        let speed = tuning.fastExit / 4                               // view heights per second
        // The mind measures x in view widths times its aspect; take the larger scale.
        let pxPerViewHeight = Double(height) * max(1, tuning.aspect * Double(height) / Double(width))
        let step = speed * movePause * Double(height) * Double(height) / pxPerViewHeight  // pixels per move
        let radius = Double(min(width, height)) / 6
        let angle = 2 * asin(min(1, step / (2 * radius)))
        let centre = (Double(width) / 2, Double(height) / 2)
        return (0..<n).flatMap { i -> [[String]] in
            let a = Double(i) * angle
            return [["mousemove", "--window", "WINDOW", String(Int((centre.0 + radius * cos(a)).rounded())),
                     String(Int((centre.1 + radius * sin(a)).rounded()))],
                    ["pause", String(movePause)]]
        }
    }

    @Test func windowTakesThePointerShowsTheHUDAndSavesTheSession() throws {
        let display = try VirtualDisplay(screen: "1024x768x24")
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let moves = 40
        let actions = Self.gentleCircle(moves, width: 320, height: 240) + [["key", "h"], ["key", "Escape"]]
        let r = try Self.play(["candlefish", "--size", "320x240", "--memory", dir + "/m.sqlite", "--clock", "2026-11-21T10:00:00Z",
                               "--record", dir + "/rec.json", "--screenshot", dir + "/shot.png"], display: display, actions: actions)
        #expect(r.status == 0, "play failed: \(r.stderr)")

        // The screenshot, taken after the last event (H, then Esc), shows the scene, not
        // black, and the HUD that H turned on.
        let shot = try PNG.read(dir + "/shot.png")
        var sum = 0, hudInk = 0
        for y in 0..<shot.height { for x in 0..<shot.width {
            let p = shot[x, y]
            sum += Int(p.x) + Int(p.y) + Int(p.z)
            if x < 200 && y < 32 && p.x > 200 && p.y > 200 && p.z > 200 { hudInk += 1 }
        } }
        #expect(Double(sum) / Double(shot.width * shot.height * 3) > 10, "the window is black")
        #expect(hudInk > 30, "the HUD text is not visible after pressing H")

        // The moves reached the fish as stimuli, in order, each stamped with its own time:
        // the driver paused between moves, so their stamps are spread over simulation time.
        let script = try Script(json: String(contentsOfFile: dir + "/rec.json", encoding: .utf8), expecting: .candlefish)
        #expect(script.clock == WallClock(rfc3339: "2026-11-21T10:00:00Z"), "--clock did not pin the recording's clock")
        let pointer = script.events.filter { if case .pointer = $0.stimulus { true } else { false } }.map(\.t)
        #expect(pointer.count > moves / 2, "only \(pointer.count) of \(moves) moves arrived")
        #expect(pointer == pointer.sorted())
        if let first = pointer.first, let last = pointer.last {
            #expect(last - first >= Double(pointer.count - 1) * Self.movePause / 2,
                    "the stamps of \(pointer.count) moves span only \(last - first) s of simulation time")
        }
        // Esc ended the session properly, and the store has it, with its end time.
        let history = try photophore("memory", "history", "--memory", dir + "/m.sqlite")
        #expect(history.status == 0, "\(history.stderr)")
        let end = history.stdout.split(separator: "\n").first { $0.contains("session end") }
        #expect(end != nil, "no session end in the history:\n\(history.stdout)")
    }

    @Test func aRecordedSessionReplaysHeadlessToTheSameFrames() throws {
        let display = try VirtualDisplay(screen: "1024x768x24")
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let actions = Self.gentleCircle(30, width: 320, height: 240) + [["click", "1"], ["key", "Escape"]]
        let r = try Self.play(["candlefish", "--size", "320x240", "--no-remember", "--clock", "2026-11-21T10:00:00Z",
                               "--record", dir + "/rec.json", "--frame-hashes", dir + "/window.txt"], display: display, actions: actions)
        #expect(r.status == 0, "\(r.stderr)")
        // "FRAME HASH" lines of the frames the window showed (a slow frame drops the ones in
        // between), rendered again headless from the recording.
        let window = try String(contentsOfFile: dir + "/window.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        let shown = window.compactMap { Int($0.split(separator: " ").first ?? "") }
        #expect(shown.count > 10 && shown == shown.sorted(), "the window showed frames \(shown.prefix(20))…")
        let last = shown.last ?? 0
        let headless = try photophore("render", "candlefish", "--frames", "0..\(last)", "--size", "320x240",
                                      "--script", dir + "/rec.json", "--frame-hashes", dir + "/headless.txt", "-o", dir + "/out/")
        #expect(headless.status == 0, "\(headless.stderr)")
        var replay: [Int: String] = [:]
        for line in try String(contentsOfFile: dir + "/headless.txt", encoding: .utf8).split(separator: "\n") {
            if let k = Int(line.split(separator: " ").first ?? "") { replay[k] = String(line) }
        }
        let differing = window.filter { line in replay[Int(line.split(separator: " ").first ?? "") ?? -1] != line }
        #expect(differing.isEmpty, "\(differing.count) of \(window.count) shown frames differ headless, first: \(differing.first ?? "")")
        #expect(try String(contentsOfFile: dir + "/rec.json", encoding: .utf8).contains("\"click\""))
    }

    /// The third scene, which only its own folder and a registry line know: a click and its
    /// key (L, through the scene's key map) release lanterns, the store keeps them, and the
    /// recording replays headless to the frames the window showed.
    @Test func lanternsPlaysWithItsOwnKeysAndIsRemembered() throws {
        let display = try VirtualDisplay()
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let actions = [["mousemove", "--window", "WINDOW", "100", "150"], ["pause", "0.2"], ["click", "1"], ["pause", "0.2"],
                       ["key", "l"], ["pause", "0.3"], ["key", "Escape"]]
        let r = try Self.play(["lanterns", "--size", "320x240", "--memory", dir + "/m.sqlite", "--clock", "2026-11-21T10:00:00Z",
                               "--record", dir + "/rec.json", "--frame-hashes", dir + "/window.txt"], display: display, actions: actions)
        #expect(r.status == 0, "\(r.stderr)")
        let script = try Script(json: String(contentsOfFile: dir + "/rec.json", encoding: .utf8), expecting: SceneName("lanterns"))
        #expect(script.events.contains { if case .click = $0.stimulus { true } else { false } })
        #expect(script.events.contains { $0.stimulus == .key("release") }, "L did not go through the scene's key map")
        let history = try photophore("memory", "history", "--memory", dir + "/m.sqlite")
        #expect(history.stdout.split(separator: "\n").filter { $0.contains("lanterns") && $0.contains("released") }.count == 2,
                "\(history.stdout)")
        let window = try String(contentsOfFile: dir + "/window.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        let last = window.compactMap { Int($0.split(separator: " ").first ?? "") }.last ?? 0
        let headless = try photophore("render", "lanterns", "--frames", "0..\(last)", "--size", "320x240",
                                      "--script", dir + "/rec.json", "--frame-hashes", dir + "/headless.txt", "-o", dir + "/out/")
        #expect(headless.status == 0, "\(headless.stderr)")
        let replay = Set(try String(contentsOfFile: dir + "/headless.txt", encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(window.allSatisfy(replay.contains), "shown frames differ headless")
    }

    /// Behaviour, deterministically: a person the fish already trusts (the warm-up script's
    /// memory), moving the pointer at a pace the rules call gentle on the same day, makes it
    /// trusting. The calendar is pinned, so the result does not depend on today's date.
    @Test func gentlePathMakesATrustedFishTrusting() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let warm = try photophore("simulate", "candlefish", "--script", repositoryRoot + "/assets/scripts/gentle-60s.json",
                                  "--memory", dir + "/m.sqlite", "--remember")
        #expect(warm.status == 0, "\(warm.stderr)")
        // The same gentle circle as the window tests, as a script with the driver's pace.
        let tuning = CandlefishTuning()
        let moves = Self.gentleCircle(400, width: 320, height: 240).compactMap { a -> (Double, Double)? in
            guard a.first == "mousemove", let x = Double(a[3]), let y = Double(a[4]) else { return nil }
            return ((x + 0.5) / 320, (y + 0.5) / 240)
        }
        let events = moves.enumerated().map { i, p in StimulusEvent(t: 0.5 + Double(i) * Self.movePause, .pointer(x: p.0, y: p.1)) }
        let script = Script(scene: .candlefish, clock: WallClock(rfc3339: "2026-11-21T10:00:00Z"), events: events)
        try script.json().write(toFile: dir + "/gentle.json", atomically: true, encoding: .utf8)
        let r = try photophore("simulate", "candlefish", "--script", dir + "/gentle.json", "--memory", dir + "/m.sqlite", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let timeline = object?["timeline"] as? [[String: Any]] ?? []
        let moods = timeline.compactMap { $0["kind"] as? String == "mood" ? $0["to"] as? String : nil }
        #expect(moods.contains("trusting"), "no mood change to trusting:\n\(r.stdout)")
        #expect(!moods.contains("shy"), "the gentle path (\(tuning.fastExit / 4) view heights/s) made the fish shy:\n\(r.stdout)")
    }
}

import Engine
import Stimuli
import Testing

/// The live session's clock, with the wall clock pinned: every time below is given, none read.
@Suite struct RealTimeClockTests {
    /// Frames of 10 ms from the clock's last wall time up to `wall`, as a fast window does.
    func run(_ c: inout RealTimeClock, to wall: Double) {
        var now = c.lastWall
        while now < wall {
            now = min(wall, now + 0.010)
            c.advance(to: now)
        }
    }

    @Test func simulationTimeFollowsTheWallClockAndDropsTheFramesASlowFrameMissed() {
        var c = RealTimeClock(start: 100)
        c.advance(to: 100.010)
        #expect(c.frame == 0)
        c.shown(frame: c.frame)
        c.advance(to: 100.020)                  // 20 ms: frame 1
        #expect(c.frame == 1)
        c.shown(frame: c.frame)
        c.advance(to: 100.120)                  // a 100 ms frame: the world is at 7, not 2
        #expect(abs(c.simulationTime - 0.120) < 1e-9)
        #expect(c.frame == 7)
        c.shown(frame: c.frame)
        #expect(c.droppedFrames == 5)
        #expect(c.skippedSeconds == 0)
    }

    @Test func aLongStallIsCaughtUpByAtMostTheBound() {
        var c = RealTimeClock(start: 0)
        run(&c, to: 1)
        c.advance(to: 11)                       // a 10 s stall
        #expect(abs(c.simulationTime - (1 + RealTimeClock.maxCatchUp)) < 1e-9)
        #expect(abs(c.skippedSeconds - (10 - RealTimeClock.maxCatchUp)) < 1e-9)
        run(&c, to: 11.5)                       // then real time again
        #expect(abs(c.simulationTime - (1.5 + RealTimeClock.maxCatchUp)) < 1e-9)
    }

    @Test func pauseFreezesTheWorldAndResumeCarriesOn() {
        var c = RealTimeClock(start: 0)
        run(&c, to: 2)
        c.setPaused(true, at: 2)
        c.advance(to: 2.1)
        c.advance(to: 30)                       // paused for long: no catch-up, nothing skipped
        #expect(abs(c.simulationTime - 2) < 1e-9)
        c.setPaused(false, at: 30)
        run(&c, to: 30.5)
        #expect(abs(c.simulationTime - 2.5) < 1e-9)
        #expect(c.skippedSeconds == 0)
    }

    @Test func eventsMapToTheirOwnTimeNeverIntoTheFuture() {
        var c = RealTimeClock(start: 10)
        run(&c, to: 11)
        #expect(abs(c.simulationTime(ofWall: 10.25) - 0.25) < 1e-9)
        #expect(c.simulationTime(ofWall: 12) == c.simulationTime)   // not yet reached
        #expect(c.simulationTime(ofWall: 9) == 0)                   // before the start
        #expect(c.simulationTime(ofWall: .nan) == c.simulationTime)
        c.advance(to: 10.5)                                          // backwards: no time passes
        #expect(abs(c.simulationTime - 1) < 1e-9)
    }

    /// Two moves stamped 30 ms apart inside one step keep their stamps, and a replay of the
    /// recorded stimuli draws the same frame.
    @Test func stampsInsideAStepAreKeptAndReplayExactly() throws {
        let live = try SceneRenderer(small(.candlefish))
        _ = live.render(frame: 3)
        let a = live.post(.pointer(x: 0.40, y: 0.5), at: 3.0 / 60 + 0.001)
        let b = live.post(.pointer(x: 0.41, y: 0.5), at: 3.0 / 60 + 0.011)
        let late = live.post(.pointer(x: 0.42, y: 0.5), at: 1.0 / 60)     // before the last step taken
        #expect(a == 3.0 / 60 + 0.001 && b == 3.0 / 60 + 0.011)
        #expect(late == 4.0 / 60)
        let shown = live.render(frame: 30)
        let replay = try SceneRenderer(small(.candlefish, script: live.stimuli))
        #expect(replay.render(frame: 30).pixels == shown.pixels)
    }
}

@Suite("HUD text")
struct HUDTextTests {
    @Test("scene, time and trust, dropped frames, the scene's lines, and paused")
    func text() throws {
        let r = try SceneRenderer(small(.emergence))
        r.simulate(toStep: 90)
        var clock = RealTimeClock(start: 0)
        clock.setPaused(true, at: 1)
        let number = { (v: Double, d: Int) in d == 1 ? String(Double(Int(v * 10)) / 10) : String(v) }
        #expect(r.hud.text(clock: clock, number: number)
                == ["emergence  t 1.5 s  trust 0.0", "dropped 0 frames", "stage 2", "paused (space)"])
        let lanterns = try SceneRenderer(small(.lanterns))
        #expect(lanterns.hud.text(clock: RealTimeClock(start: 0), number: number).first == "lanterns  t 0.0 s",
                "a scene without trust shows none")
    }
}

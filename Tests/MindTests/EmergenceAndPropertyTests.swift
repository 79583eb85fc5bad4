import Foundation
import Mind
import Stimuli
import Testing

@Suite("Emergence")
struct EmergenceTests {
    func run(_ answers: [Bool], from memory: EmergenceMemory = EmergenceMemory(), profile: Profile = .standard) -> EmergenceMind {
        var mind = EmergenceMind(memory: memory, profile: profile)
        for (i, a) in answers.enumerated() { mind.step(to: Double(i + 1), stimuli: [.answer(correct: a)]) }
        return mind
    }

    @Test func fiveWrongAnswersDriveCorruptionTo4AndRaiseEscalation() {
        let mind = run([false, false, false, false, false])
        #expect(mind.corruption == 4)
        #expect(mind.escalation == 5)
        #expect(mind.memory.wrongCount == 5)
        #expect(mind.trust == -75)
        #expect(mind.stage == 1)
        #expect(mind.log.map(\.to.level) == [1])
    }

    @Test func escalationRules() {
        #expect(EmergenceRules.escalation(3, trust: -61, consecutiveFailures: 0) == 5)
        #expect(EmergenceRules.escalation(3, trust: -60, consecutiveFailures: 0) == 4)
        #expect(EmergenceRules.escalation(3, trust: -31, consecutiveFailures: 0) == 4)
        #expect(EmergenceRules.escalation(3, trust: -30, consecutiveFailures: 0) == 3)
        #expect(EmergenceRules.escalation(3, trust: 31, consecutiveFailures: 0) == 2)
        #expect(EmergenceRules.escalation(3, trust: 30, consecutiveFailures: 0) == 3)
        #expect(EmergenceRules.escalation(3, trust: 0, consecutiveFailures: 3) == 4)
        #expect(EmergenceRules.escalation(3, trust: 0, consecutiveFailures: 2) == 3)
        #expect(EmergenceRules.escalation(5, trust: -90, consecutiveFailures: 7) == 5)
        #expect(EmergenceRules.escalation(1, trust: 90, consecutiveFailures: 0) == 1)
    }

    @Test func answersMoveTrustCorruptionAndFailures() {
        var m = EmergenceMemory()
        m.apply(.answer(t: 0, correct: true, rate: 1.3))
        #expect(m.trust == 13 && m.corruption == 0 && m.consecutiveFailures == 0)
        m.apply(.answer(t: 1, correct: false, rate: 1.3))
        m.apply(.answer(t: 2, correct: false, rate: 1.3))
        #expect(m.trust == -17 && m.corruption == 2 && m.consecutiveFailures == 2 && m.wrongCount == 2)
        m.apply(.answer(t: 3, correct: true, rate: 1))
        #expect(m.corruption == 1 && m.consecutiveFailures == 0)
        for i in 0..<30 { m.apply(.answer(t: Double(4 + i), correct: true, rate: 1)) }
        #expect(m.trust == 100 && m.corruption == 0 && m.escalation == 1 && m.stage == 5)
        for i in 0..<30 { m.apply(.answer(t: Double(40 + i), correct: false, rate: 1)) }
        #expect(m.trust == -100 && m.corruption == 4 && m.escalation == 5 && m.stage == 1)
    }

    @Test func stageFollowsTrustAndEscalation() {
        #expect(EmergenceRules.stage(trust: -12, escalation: 2) == 2)
        #expect(EmergenceRules.stage(trust: 0, escalation: 1) == 2)
        #expect(EmergenceRules.stage(trust: 20, escalation: 1) == 3)
        #expect(EmergenceRules.stage(trust: 50, escalation: 1) == 4)
        #expect(EmergenceRules.stage(trust: 80, escalation: 1) == 5)
        #expect(EmergenceRules.stage(trust: 80, escalation: 3) == 4)
        #expect(EmergenceRules.stage(trust: 80, escalation: 5) == 3)
        #expect(EmergenceRules.stage(trust: -100, escalation: 5) == 1)
    }

    @Test func pressureRisesAsTheCountdownRunsOut() {
        var mind = EmergenceMind(memory: EmergenceMemory())
        var last = -1.0
        for (i, r) in [1.0, 0.8, 0.6, 0.4, 0.2, 0.0].enumerated() {
            mind.step(to: Double(i) * 2, stimuli: [.pressure(remaining: r)])
            mind.step(to: Double(i) * 2 + 1.9)
            #expect(mind.pressure > last)
            last = mind.pressure
        }
        #expect(mind.pressure > 0.99)
        #expect(EmergenceMind.pressureTarget(remaining: 1) == 0 && EmergenceMind.pressureTarget(remaining: 0) == 1)
        #expect(mind.glitch > 0.39 && mind.glitch <= 1)
    }
}

@Suite("Profiles and determinism")
struct ProfileTests {
    @Test func stableHashAndGeneratorMatchPublishedValues() {
        #expect(StableHash.fnv1a64("") == 0xCBF2_9CE4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(StableHash.fnv1a64("foobar") == 0x85944171F73967E8)
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func variantAutoBucketsDeterministicallyWithTheOriginalAllocations() {
        var rng = SplitMix64(seed: 42)
        var complexity: [Complexity: Int] = [:], rate: [TrustRate: Int] = [:], richness: [Richness: Int] = [:]
        let n = 20_000
        for _ in 0..<n {
            let id = String(rng.next(), radix: 16) + "-" + String(rng.next(), radix: 16)
            let p = Profile.variant(forUserID: id)
            #expect(p == Profile.variant(forUserID: id.uppercased()))
            complexity[p.complexity, default: 0] += 1
            rate[p.trustRate, default: 0] += 1
            richness[p.richness, default: 0] += 1
        }
        func share(_ c: Int?) -> Double { Double(c ?? 0) / Double(n) }
        #expect(abs(share(complexity[.basic]) - 0.30) < 0.02 && abs(share(complexity[.standard]) - 0.50) < 0.02)
        #expect(abs(share(rate[.slow]) - 0.25) < 0.02 && abs(share(rate[.normal]) - 0.50) < 0.02)
        #expect(abs(share(richness[.minimal]) - 0.25) < 0.02 && abs(share(richness[.rich]) - 0.25) < 0.02)
    }

    /// The rule docs/mind-and-memory.md documents, written out again: FNV-1a 64 of the
    /// lower-cased id, the SplitMix64 finaliser of it XOR a salt per part, modulo 100.
    static func documentedBuckets(_ id: String) -> (complexity: UInt64, rate: UInt64, richness: UInt64) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.lowercased().utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        func bucket(_ salt: UInt64) -> UInt64 {
            var z = h ^ salt
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (z ^ (z >> 31)) % 100
        }
        return (bucket(0x636F_6D70), bucket(0x7261_7465), bucket(0x7269_6368))  // "comp", "rate", "rich"
    }

    /// Known ids give the variants worked out from the documented rule (buckets in the
    /// comments: basic < 30 ≤ standard < 80 ≤ advanced; slow < 25 ≤ normal < 75 ≤ fast;
    /// minimal < 25 ≤ standard < 75 ≤ rich), and the rule holds for any id.
    @Test func variantAutoIsTheDocumentedFunctionOfTheUserID() {
        let known: [(String, Profile)] = [
            ("00000000-0000-0000-0000-000000000000", Profile(complexity: .basic, trustRate: .normal, richness: .standard)),  // 2, 50, 60
            ("6c1f3c2e-8a43-4d1b-9a53-1f2e3d4c5b6a", Profile(complexity: .basic, trustRate: .slow, richness: .minimal)),     // 2, 15, 17
            ("6C1F3C2E-8A43-4D1B-9A53-1F2E3D4C5B6A", Profile(complexity: .basic, trustRate: .slow, richness: .minimal)),     // the same id
            ("a", Profile(complexity: .basic, trustRate: .slow, richness: .rich)),                                           // 11, 5, 84
            ("user-0", Profile(complexity: .standard, trustRate: .normal, richness: .standard)),                             // 41, 30, 41
            ("user-2", Profile(complexity: .advanced, trustRate: .normal, richness: .minimal)),                              // 85, 53, 21
            ("user-3", Profile(complexity: .basic, trustRate: .fast, richness: .standard)),                                  // 28, 95, 74
        ]
        for (id, profile) in known { #expect(Profile.variant(forUserID: id) == profile, "\(id)") }
        let a = Self.documentedBuckets("a")
        #expect(a.complexity == 11 && a.rate == 5 && a.richness == 84)

        var rng = SplitMix64(seed: 7)
        var combinations = Set<String>()
        for _ in 0..<5_000 {
            let id = String(rng.next(), radix: 16) + "-" + String(rng.next() % 1000)
            let b = Self.documentedBuckets(id)
            let expected = Profile(complexity: b.complexity < 30 ? .basic : b.complexity < 80 ? .standard : .advanced,
                                   trustRate: b.rate < 25 ? .slow : b.rate < 75 ? .normal : .fast,
                                   richness: b.richness < 25 ? .minimal : b.richness < 75 ? .standard : .rich)
            let p = Profile.variant(forUserID: id)
            #expect(p == expected, "\(id)")
            combinations.insert(p.description)
        }
        // The three parts are chosen independently: every one of the 27 profiles occurs.
        #expect(combinations.count == Complexity.allCases.count * TrustRate.allCases.count * Richness.allCases.count)
    }

    /// Runs a random session live and returns the mind's memory and the events it emitted.
    static func live(seed: UInt64) -> (start: Memory, end: Memory, events: [MemoryEvent], moods: [Transition<Mood>]) {
        var rng = SplitMix64(seed: seed)
        var start = Memory.fresh
        start.candlefish.trust = rng.nextUnit() * 100
        start.candlefish.visits = Int(rng.next() % 3)
        start.emergence.trust = rng.nextUnit() * 200 - 100
        let profile = Profile(complexity: Complexity.allCases[Int(rng.next() % 3)], trustRate: TrustRate.allCases[Int(rng.next() % 3)])
        let clock = rng.next() % 3 == 0 ? nil : WallClock(unixSeconds: Double(rng.next() % 2_000_000_000), utcOffsetSeconds: Int(rng.next() % 50_000) - 25_000)
        let stimuli = randomStream(&rng, seconds: 8)
        var fish = CandlefishMind(memory: start.candlefish, profile: profile, clock: clock, foodEatenDelay: rng.next() % 2 == 0 ? 1.0 : nil)
        var emergence = EmergenceMind(memory: start.emergence, profile: profile)
        var events = fish.takeEvents() + emergence.takeEvents()
        var queue = StimulusQueue(stimuli)
        let end = (stimuli.last?.t ?? 0) + 3
        var n = 0
        while Double(n) / 60 <= end {
            let t = Double(n) / 60
            let due = queue.due(at: t).map(\.stimulus)
            events += fish.step(to: t, stimuli: due)
            events += emergence.step(to: t, stimuli: due)
            n += 1
        }
        events += fish.finish() + emergence.finish()
        var memory = Memory()
        memory.candlefish = fish.memory
        memory.emergence = emergence.memory
        return (start, memory, events, fish.log)
    }

    @Test func replayEqualsLiveOver1000RandomStreams() {
        var failures = 0
        for seed in 0..<1000 as Range<UInt64> {
            let run = Self.live(seed: seed)
            var replayed = run.start
            replayed.apply(run.events)
            if replayed != run.end { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func theSameStimuliGiveTheSameRun() {
        for seed in [1, 99, 12345] as [UInt64] {
            let a = Self.live(seed: seed), b = Self.live(seed: seed)
            #expect(a.events == b.events && a.moods == b.moods && a.end == b.end)
        }
        #expect(Self.live(seed: 1).events != Self.live(seed: 2).events)
    }
}

@Suite("Memory")
struct MemoryTests {
    @Test func eachSceneFoldsItsOwnPart() {
        var start = Memory.fresh
        start.candlefish.visits = 1
        start.candlefish.trust = 60
        var fish = CandlefishMind(memory: start.candlefish)
        var events = fish.takeEvents() + fish.step(to: 0, stimuli: [Stimulus.click(x: 0.5, y: 0.5)])
        #expect(events.first?.kind == "visit")
        #expect(events.first?.scene == .candlefish)
        for n in 1...120 { events += fish.step(to: Double(n) / 60, stimuli: EmptyCollection()) }
        events += fish.finish()
        var replayed = start
        replayed.apply(events)
        #expect(replayed.candlefish == fish.memory)
        #expect(replayed.candlefish.trust == 63)
        #expect(replayed.emergence == EmergenceMemory())
        #expect(fish.log.first?.trigger == "greeting")

        var e = EmergenceMind(memory: start.emergence)
        let answers = e.takeEvents() + e.step(to: 1, stimuli: [Stimulus.answer(correct: true)])
        #expect(answers.map(\.kind) == ["visit", "answer"])
        replayed.apply(answers)
        #expect(replayed.emergence.trust == 10 && replayed.candlefish.trust == 63)
    }

    @Test func aFreshPartEqualsAMissingOne() {
        var m = Memory()
        #expect(m == .fresh)
        m.candlefish = CandlefishMemory()
        #expect(m == .fresh)
        m.candlefish.visits = 2
        #expect(m != .fresh)
    }

    @Test func eventsAndSnapshotsKeepTheirJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let event = MemoryEvent.emergence(.answer(t: 2, correct: true, rate: 1))
        let text = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(text == #"{"emergence":{"_0":{"answer":{"correct":true,"rate":1,"t":2}}}}"#)
        let decoder = JSONDecoder()
        decoder.userInfo[SceneMemories.userInfoKey] = SceneMemories([CandlefishMemory.self, EmergenceMemory.self])
        #expect(try decoder.decode(MemoryEvent.self, from: Data(text.utf8)) == event)
        // Without the scene's memory type, an event does not read.
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MemoryEvent.self, from: Data(text.utf8)) }
        var m = Memory.fresh
        m.apply(event)
        encoder.userInfo[SceneMemories.userInfoKey] = decoder.userInfo[SceneMemories.userInfoKey]
        let snapshot = try encoder.encode(m)
        #expect(String(decoding: snapshot, as: UTF8.self).hasPrefix(#"{"candlefish":{"#))
        #expect(try decoder.decode(Memory.self, from: snapshot) == m)
    }
}

/// A three-state door for exercising the machine: locked → closed → open, and back.
enum Door: String, MachineState {
    case locked, closed, open
    typealias Context = [String]
    func isValidNextState(_ next: Door) -> Bool {
        switch (self, next) {
        case (.locked, .closed), (.closed, .locked), (.closed, .open), (.open, .closed): return true
        default: return false
        }
    }
    func didEnter(from previous: Door?, context: inout [String]) { context.append("enter \(rawValue)") }
    func willExit(to next: Door, context: inout [String]) { context.append("exit \(rawValue)") }
    func update(dt: Double, context: inout [String]) { context.append("update \(rawValue) \(dt)") }
}

@Suite("StateMachine")
struct StateMachineTests {
    @Test func runsActionsRefusesInvalidMovesAndLogs() {
        var trace: [String] = []
        var m = StateMachine(Door.locked, context: &trace)
        #expect(m.enter(.open, at: 1, trigger: "kick", context: &trace) == nil)
        #expect(m.enter(.locked, at: 1, trigger: "same", context: &trace) == nil)
        #expect(m.enter(.closed, at: 2, trigger: "key", context: &trace) == Transition(from: .locked, to: .closed, trigger: "key", time: 2))
        m.update(dt: 0.5, context: &trace)
        m.enter(.open, at: 3, trigger: "push", context: &trace)
        #expect(trace == ["enter locked", "exit locked", "enter closed", "update closed 0.5", "exit closed", "enter open"])
        #expect(m.log.map(\.to) == [.closed, .open])
        #expect(m.current == .open && m.enteredAt == 3 && m.dwell(at: 4.5) == 1.5)
    }
}

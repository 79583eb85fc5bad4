import Mind
import Stimuli
import Testing

func memory(trust: Double, visits: Int = 0) -> CandlefishMemory {
    var m = CandlefishMemory()
    m.trust = trust
    m.visits = visits
    return m
}

@Suite("Candlefish transitions")
struct CandlefishTransitionTests {
    @Test func lonelyAfterSixtySecondsWithoutInteraction() {
        var d = FishDriver()
        d.run(until: 59.9)
        #expect(d.mind.mood == .curious)
        d.run(until: 60.0)
        #expect(d.mind.mood == .lonely)
        #expect(d.mind.log.last?.time == 60.0)
    }

    @Test func lonelyWaitsForSixtySecondsAfterTheLastInteraction() {
        var d = FishDriver(memory: memory(trust: 60))
        d.run(until: 30, [StimulusEvent(t: 10, .click(x: 0.5, y: 0.5))])
        d.run(until: 69.9)
        #expect(d.mind.mood != .lonely)
        d.run(until: 70.0)
        #expect(d.mind.mood == .lonely)
    }

    @Test func lonelyReturnsToCuriousWhenThePointerComesBack() {
        var d = FishDriver(memory: memory(trust: 60))
        d.run(until: 61)
        #expect(d.mind.mood == .lonely)
        d.run(until: 62, [StimulusEvent(t: 62, .pointer(x: 0.3, y: 0.3))])
        #expect(d.mind.mood == .curious)
        #expect(d.mind.log.last?.trigger == "pointer returned")
        #expect(d.mind.log.last?.time == 62)
    }

    @Test func lonelyOnlyLeadsToCuriousOrExcited() {
        for next in Mood.allCases {
            #expect(Mood.lonely.isValidNextState(next) == (next == .curious || next == .excited))
        }
    }

    @Test func trustingWhenTrustAbove80AndThePointerIsPresent() {
        var d = FishDriver(memory: memory(trust: 85))
        d.run(until: 3)
        #expect(d.mind.mood == .curious, "no pointer yet")
        d.run(until: 6, pointerStream(from: 3, to: 6) { _ in 0.1 })
        #expect(d.mind.mood == .trusting)
        var low = FishDriver(memory: memory(trust: 70))
        low.run(until: 3, pointerStream(from: 0, to: 3) { _ in 0.1 })
        #expect(low.mind.mood == .curious)
    }

    @Test func shyWhenTrustIsLow() {
        var d = FishDriver(memory: memory(trust: 20))
        d.run(until: 2, pointerStream(from: 0, to: 2) { _ in 0.1 })
        #expect(d.mind.mood == .shy)
        #expect(d.mind.log.last?.trigger == "low trust")
    }

    @Test func shyWhenThePointerMovesFast() {
        var d = FishDriver(memory: memory(trust: 60))
        d.run(until: 2, pointerStream(from: 0, to: 2) { _ in 0.1 })
        #expect(d.mind.mood == .curious)
        d.run(until: 4, pointerStream(from: 2.1, to: 4) { _ in 3.5 })
        #expect(d.mind.mood == .shy)
        #expect(d.mind.log.last?.trigger == "fast pointer")
    }

    @Test func playfulWhenTrustAbove50AndSpeedModerate() {
        var d = FishDriver(memory: memory(trust: 60))
        d.run(until: 3, pointerStream(from: 0, to: 3) { _ in 1.0 })
        #expect(d.mind.mood == .playful)
        var slow = FishDriver(memory: memory(trust: 60))
        slow.run(until: 3, pointerStream(from: 0, to: 3) { _ in 0.1 })
        #expect(slow.mind.mood == .curious)
        var wary = FishDriver(memory: memory(trust: 45))
        wary.run(until: 3, pointerStream(from: 0, to: 3) { _ in 1.0 })
        #expect(wary.mind.mood == .curious)
    }

    @Test func aClickFeedsAndExcitesAtOnce() {
        var d = FishDriver(memory: memory(trust: 20))
        d.run(until: 2, pointerStream(from: 0, to: 1.9) { _ in 0.1 })
        #expect(d.mind.mood == .shy)
        let before = d.mind.trust
        d.run(until: 2.5, [StimulusEvent(t: 2.5, .click(x: 0.61, y: 0.4))])
        #expect(d.mind.mood == .excited)
        #expect(d.mind.log.last?.time == 2.5)
        #expect(abs(d.mind.trust - (before + 3)) < 1e-9)
        #expect(d.mind.memory.feedingSpots == [ViewPoint(x: 0.61, y: 0.4)])
        d.run(until: 4.4)
        #expect(d.mind.mood == .excited)
        d.run(until: 5)
        #expect(d.mind.mood != .excited)
    }

    @Test func rememberTheLastTenFeedingSpots() {
        var d = FishDriver(memory: memory(trust: 50))
        let clicks = (0..<12).map { StimulusEvent(t: Double($0), .click(x: Double($0) / 20, y: 0.5)) }
        d.run(until: 12, clicks)
        #expect(d.mind.memory.feedingSpots.count == 10)
        #expect(d.mind.memory.feedingSpots.first == ViewPoint(x: 2.0 / 20, y: 0.5))
        #expect(d.mind.memory.feedingSpots.last == ViewPoint(x: 11.0 / 20, y: 0.5))
    }

    @Test func aReturningVisitorAbove40GetsAnExcitedGreeting() {
        let greeted = FishDriver(memory: memory(trust: 41, visits: 1))
        #expect(greeted.mind.mood == .excited)
        #expect(greeted.mind.log.first?.trigger == "greeting")
        #expect(FishDriver(memory: memory(trust: 40, visits: 1)).mind.mood == .curious)
        #expect(FishDriver(memory: memory(trust: 90, visits: 0)).mind.mood == .curious, "a first visit is no return")
    }

    @Test func foodEatenAddsTwoWhenTheSimulationReportsIt() {
        var fish = CandlefishMind(memory: memory(trust: 50))
        _ = fish.takeEvents()
        let events = fish.step(to: 1, stimuli: [], foodEaten: 1)
        #expect(events.contains { if case .foodEaten? = $0.candlefishEvent { true } else { false } })
        #expect(abs(fish.trust - 52) < 1e-9)
    }

    @Test func foodEatenAfterAFixedDelayWithoutASimulation() {
        var d = FishDriver(memory: memory(trust: 50), foodEatenDelay: 1.5)
        d.run(until: 4, [StimulusEvent(t: 1, .click(x: 0.5, y: 0.5))])
        let eaten = d.events.compactMap { e -> Double? in if case let .foodEaten(t, _, _)? = e.candlefishEvent { t } else { nil } }
        #expect(eaten == [2.5])
        #expect(abs(d.mind.trust - 55) < 1e-9)
    }
}

@Suite("Candlefish trust")
struct CandlefishTrustTests {
    func gain(speed: Double, rate: Double, seconds: Double = 10, trust: Double = 60, profile: Profile = .standard) -> Double {
        var d = FishDriver(memory: memory(trust: trust), profile: profile)
        d.run(until: seconds + 1, pointerStream(from: 0, to: seconds, rate: rate) { _ in speed })
        return d.mind.trust - trust
    }

    @Test func gentleMovementEarnsOnePerSecondWhateverTheEventRate() {
        let at10 = gain(speed: 0.3, rate: 10), at60 = gain(speed: 0.3, rate: 60), at5 = gain(speed: 0.3, rate: 5)
        #expect(abs(at10 - 10) < 0.3)
        #expect(abs(at60 - at10) < 0.3)
        #expect(abs(at5 - at10) < 0.3)
    }

    @Test func fastMovementCostsFivePerSecondWhateverTheEventRate() {
        let at10 = gain(speed: 4, rate: 10, seconds: 4), at60 = gain(speed: 4, rate: 60, seconds: 4)
        #expect(abs(at10 + 20) < 1.5)
        #expect(abs(at60 - at10) < 1.0)
    }

    @Test func profileRatesScaleGainsButNotLosses() {
        let slow = Profile(trustRate: .slow), fast = Profile(trustRate: .fast)
        let base = gain(speed: 0.3, rate: 10, trust: 40)
        #expect(abs(gain(speed: 0.3, rate: 10, trust: 40, profile: slow) - base * 0.7) < 1e-6)
        #expect(abs(gain(speed: 0.3, rate: 10, trust: 40, profile: fast) - base * 1.3) < 1e-6)
        let loss = gain(speed: 4, rate: 10, seconds: 3)
        #expect(loss < -10)
        #expect(gain(speed: 4, rate: 10, seconds: 3, profile: fast) == loss)
    }

    @Test func trustStaysWithin0And100() {
        #expect(gain(speed: 0.3, rate: 10, seconds: 30, trust: 95) == 5)
        #expect(gain(speed: 5, rate: 10, seconds: 10, trust: 10) == -10)
    }

    @Test func aNewPersonStartsAt20AndTheFirstVisitOfADayAddsFive() {
        #expect(CandlefishMemory().trust == 20)
        var m = CandlefishMemory()
        m.apply(.visit(wall: clock(day: 100).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == 25)
        m.apply(.visit(wall: clock(day: 100, hours: 20).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == 25, "a second visit the same day earns nothing")
        m.apply(.visit(wall: clock(day: 101, hours: 1).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == 30)
        #expect(m.visits == 3)
    }

    @Test func decayIsOnePointPerWholeDaySinceTheLastInteractionChargedOnce() {
        var m = CandlefishMemory()
        let noon = clock(day: 100).unixSeconds
        m.apply(.visit(wall: noon, utcOffset: 0, rate: 1))
        m.apply(.fed(t: 0, wall: noon, x: 0.5, y: 0.5, rate: 1))
        #expect(m.trust == 28)
        m.apply(.visit(wall: clock(day: 103).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == 28 - 3 + 5)
        m.apply(.visit(wall: clock(day: 105).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == 30 - 2 + 5, "days already charged are not charged again")
        m.apply(.fed(t: 0, wall: clock(day: 105).unixSeconds, x: 0.5, y: 0.5, rate: 1))
        m.apply(.visit(wall: clock(day: 105, hours: 23).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == 36, "an interaction restarts the count")
        m.apply(.visit(wall: clock(day: 107, hours: 11).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == 36 - 1 + 5, "47 hours is one whole day")
    }

    @Test func calendarDaysFollowThePersonsTimeZone() {
        // 23:30 UTC, then 00:30 UTC the next day.
        let late = clock(day: 100, hours: 23.5).unixSeconds, early = clock(day: 101, hours: 0.5).unixSeconds
        for (offset, bonus) in [(0, 5.0), (-2 * 3600, 0.0), (3600, 0.0), (-1800, 5.0), (-23 * 3600 - 1800, 0.0)] {
            var m = CandlefishMemory()
            m.apply(.visit(wall: late, utcOffset: offset, rate: 1))
            m.apply(.visit(wall: early, utcOffset: offset, rate: 1))
            #expect(m.trust == 25 + bonus, "offset \(offset)")
        }
        // Decay counts whole days, so a visit two hours later, past local midnight, costs
        // nothing but earns the new day's bonus; 47 hours later costs one day.
        var m = CandlefishMemory()
        let offset = 5 * 3600
        let evening = clock(day: 100, hours: 18).unixSeconds // 23:00 at +05:00
        m.apply(.visit(wall: evening, utcOffset: offset, rate: 1))
        m.apply(.fed(t: 0, wall: evening, x: 0.5, y: 0.5, rate: 1))
        m.apply(.visit(wall: evening + 2 * 3600, utcOffset: offset, rate: 1))
        #expect(m.trust == 28 + 5)
        m.apply(.visit(wall: evening + 47 * 3600, utcOffset: offset, rate: 1))
        #expect(m.trust == 33 - 1 + 5)
    }

    @Test func aClockThatGoesBackwardsNeitherCreatesTrustNorCrashes() {
        var m = CandlefishMemory()
        m.apply(.visit(wall: clock(day: 200).unixSeconds, utcOffset: 0, rate: 1))
        m.apply(.fed(t: 0, wall: clock(day: 200).unixSeconds, x: 0.5, y: 0.5, rate: 1))
        let trust = m.trust
        m.apply(.visit(wall: clock(day: 150).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == trust)
        #expect(m.lastVisitDay == 200)
        m.apply(.fed(t: 0, wall: clock(day: 150).unixSeconds, x: 0.5, y: 0.5, rate: 1))
        #expect(m.lastInteraction == clock(day: 200).unixSeconds)
        m.apply(.visit(wall: clock(day: 201).unixSeconds, utcOffset: 0, rate: 1))
        #expect(m.trust == trust + 3 - 1 + 5, "one day of decay and one bonus for the next real day, nothing for the backwards one")
        m.apply(.visit(wall: -1e12, utcOffset: 0, rate: 1))
        m.apply(.visit(wall: 1e15, utcOffset: 50_400, rate: 1))
        #expect((0...100).contains(m.trust))
    }

    @Test func simulationTimeGoingBackwardsEarnsNothing() {
        var fish = CandlefishMind(memory: memory(trust: 50))
        _ = fish.takeEvents()
        for e in pointerStream(from: 0, to: 5, rate: 10, speed: { _ in 0.3 }) { fish.step(to: e.t, stimuli: [e.stimulus]) }
        let trust = fish.trust
        var earned: [MemoryEvent] = []
        for e in pointerStream(from: 0, to: 4, rate: 10, speed: { _ in 0.3 }) {
            earned += fish.step(to: e.t, stimuli: [e.stimulus])
        }
        earned += fish.step(to: .nan, stimuli: [.pointer(x: 0.1, y: 0.1)])
        earned += fish.step(to: -.infinity, stimuli: [.pointer(x: 0.9, y: 0.9)])
        #expect(fish.trust == trust)
        #expect(!earned.contains { if case .moved? = $0.candlefishEvent { true } else { false } })
        #expect(fish.time == 5)
    }
}

@Suite("Candlefish hysteresis, dwell, profiles and expression")
struct CandlefishBehaviourTests {
    /// Pointer speed alternating 2.3 / 2.7 view-heights per second around the 2.5 threshold.
    static let oscillating = pointerStream(from: 0, to: 20, rate: 10) { t in Int((t * 10).rounded()) % 2 == 0 ? 2.3 : 2.7 }

    @Test func speedOscillatingAroundAThresholdDoesNotFlicker() {
        var d = FishDriver(memory: memory(trust: 90))
        d.run(until: 20, Self.oscillating)
        #expect(d.mind.log.count <= 2)
        // The same stream without hysteresis or dwell flickers: the test can fail.
        var bare = CandlefishTuning()
        bare.fastExit = bare.fastEnter
        bare.minDwell = 0
        var flicker = FishDriver(memory: memory(trust: 90), tuning: bare)
        flicker.run(until: 20, Self.oscillating)
        #expect(flicker.mind.log.count > 10)
    }

    @Test func speedOscillatingAtTheEdgeOfModerateDoesNotFlickerPlayful() {
        let stream = pointerStream(from: 0, to: 15, rate: 10) { t in Int((t * 10).rounded()) % 2 == 0 ? 1.4 : 1.6 }
        var d = FishDriver(memory: memory(trust: 55))
        d.run(until: 15, stream)
        #expect(d.mind.log.map(\.to) == [.playful])
        var bare = CandlefishTuning()
        bare.moderateExit = bare.moderateEnter
        bare.minDwell = 0
        var flicker = FishDriver(memory: memory(trust: 55), tuning: bare)
        flicker.run(until: 15, stream)
        #expect(flicker.mind.log.count > 20)
    }

    @Test func conditionsWaitForTheMinimumDwell() {
        // Low trust calls for shy as soon as the pointer appears at 0.1 s; the mood entered at
        // 0 s holds until 0.75 s.
        var d = FishDriver(memory: memory(trust: 20))
        d.run(until: 2, pointerStream(from: 0.1, to: 2) { _ in 0.1 })
        #expect(d.mind.log.first?.to == .shy)
        #expect(d.mind.log.first?.time == 0.75)
        var noDwell = CandlefishTuning()
        noDwell.minDwell = 0
        var quick = FishDriver(memory: memory(trust: 20), tuning: noDwell)
        quick.run(until: 2, pointerStream(from: 0.1, to: 2) { _ in 0.1 })
        #expect(quick.mind.log.first?.time == 0.1)
    }

    @Test func basicShowsOnlyThreeMoods() {
        var rng = SplitMix64(seed: 3)
        var seen = Set<Mood>()
        for _ in 0..<40 {
            var d = FishDriver(memory: memory(trust: rng.nextUnit() * 100, visits: 1), profile: Profile(complexity: .basic))
            d.run(until: 40, randomStream(&rng, seconds: 30))
            seen.formUnion(d.mind.log.map(\.to))
            seen.insert(d.mind.mood)
        }
        #expect(seen.isSubset(of: [.curious, .shy, .excited]))
        #expect(seen.contains(.shy) && seen.contains(.excited))
    }

    @Test func advancedAdaptsSpeedThresholdsToTheLearnedSpeed() {
        var m = memory(trust: 60)
        m.usualSpeed = 3.0
        var standard = FishDriver(memory: m)
        standard.run(until: 3, pointerStream(from: 0, to: 3) { _ in 3.0 })
        #expect(standard.mind.mood == .shy)
        var advanced = FishDriver(memory: m, profile: Profile(complexity: .advanced))
        advanced.run(until: 3, pointerStream(from: 0, to: 3) { _ in 3.0 })
        #expect(advanced.mind.mood != .shy)
    }

    @Test func theUsualSpeedIsLearnedAndFeedingSpotsGiveAFavourite() {
        var d = FishDriver(memory: memory(trust: 60), profile: Profile(complexity: .advanced))
        d.run(until: 60, pointerStream(from: 0, to: 60) { _ in 1.2 })
        #expect(abs((d.mind.memory.usualSpeed ?? 0) - 1.2) < 0.1)
        let clicks = [(0.2, 0.2), (0.8, 0.8), (0.82, 0.79), (0.79, 0.81), (0.5, 0.1)].enumerated().map {
            StimulusEvent(t: 61 + Double($0.offset), .click(x: $0.element.0, y: $0.element.1))
        }
        d.run(until: 70, clicks)
        let spot = d.mind.favouriteSpot
        #expect(spot != nil && abs(spot!.x - 0.8) < 0.03 && abs(spot!.y - 0.8) < 0.03)
        #expect(FishDriver(memory: d.mind.memory).mind.favouriteSpot == nil, "only the advanced profile uses it")
    }

    @Test func expressionCrossFadesIndependentlyOfTheFrameRate() {
        func eye(hz: Double) -> Expression {
            var d = FishDriver(memory: memory(trust: 50), hz: hz)
            d.run(until: 1, [StimulusEvent(t: 0, .click(x: 0.5, y: 0.5))])
            return d.mind.expression
        }
        let a = eye(hz: 30), b = eye(hz: 120), c = eye(hz: 60)
        #expect(abs(a.eyeDilation - b.eyeDilation) < 1e-9 && abs(a.glowBase - c.glowBase) < 1e-9)
        // From curious (0.6) toward excited (0.9) for 1 s with tau 0.4.
        #expect(abs(c.eyeDilation - (0.9 - 0.3 * 0.0820849986238988)) < 1e-9)
        #expect(abs(c.swimSpeed - (1.5 - 0.5 * 0.0820849986238988)) < 1e-9)
    }

    @Test func glowIsBasePlusShimmerPlusSpeed() {
        let e = Expression.target(for: .shy)
        #expect(abs(e.glow(time: Double.pi / 2, speedFraction: 0.5) - (0.35 + 0.15 + 0.125)) < 1e-12)
        #expect(abs(e.glow(time: 0, speedFraction: 2) - (0.35 + 0.25)) < 1e-12)
        #expect(Expression.target(for: .excited).swimSpeed == 1.5 && Expression.target(for: .shy).swimSpeed == 0.6)
    }

    @Test func moodColours() {
        #expect(Mood.allCases.map(\.hex) == ["#FFB347", "#FF6B9D", "#B39DDB", "#FFEB3B", "#81C784", "#90A4AE"])
    }
}


/// Pointer speed is measured on each move's own stamp, not on the step it falls in.
@Suite struct PointerStampTests {
    @Test func aMoveThatSharesAStepWithTheOneBeforeItStillCounts() {
        // A at step 1; B, then C 10 ms later and 0.01 view heights away, both inside step 2.
        let a = StimulusEvent(t: 1.0 / 60, .pointer(x: 0.5, y: 0.5))
        let b = StimulusEvent(t: 2.0 / 60 - 0.010, .pointer(x: 0.5, y: 0.5))
        let c = StimulusEvent(t: 2.0 / 60, .pointer(x: 0.5, y: 0.51))
        var stamped = CandlefishMind(memory: memory(trust: 50))
        stamped.step(to: 1.0 / 60, events: [a])
        stamped.step(to: 2.0 / 60, events: [b, c])
        // C moved at 1 view height per second over its 10 ms: one smoothing step toward it.
        let expected = 1.0 * crossFadeWeight(dt: 0.010, tau: CandlefishTuning().speedTau)
        #expect(abs(stamped.pointerSpeed - expected) < 1e-6, "\(stamped.pointerSpeed)")
        // On step times alone, B and C coincide and C is passed over as too close to B.
        var stepped = CandlefishMind(memory: memory(trust: 50))
        stepped.step(to: 1.0 / 60, stimuli: [a.stimulus])
        stepped.step(to: 2.0 / 60, stimuli: [b.stimulus, c.stimulus])
        #expect(stepped.pointerSpeed == 0)
    }
}

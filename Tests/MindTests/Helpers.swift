import Mind
import Stimuli

/// Steps a candlefish mind at 60 Hz through scripted stimuli, as `simulate` does.
struct FishDriver {
    var mind: CandlefishMind
    var events: [MemoryEvent]
    var step = 0
    let hz: Double

    init(memory: CandlefishMemory = CandlefishMemory(), profile: Profile = .standard, clock: WallClock? = nil,
         tuning: CandlefishTuning = CandlefishTuning(), foodEatenDelay: Double? = nil, hz: Double = 60) {
        mind = CandlefishMind(memory: memory, profile: profile, clock: clock, tuning: tuning, foodEatenDelay: foodEatenDelay)
        events = mind.takeEvents()
        self.hz = hz
    }

    var time: Double { Double(step) / hz }

    /// Runs every step up to and including time `end`, applying `stimuli` when due.
    mutating func run(until end: Double, _ stimuli: [StimulusEvent] = []) {
        var queue = StimulusQueue(stimuli)
        // Events at or before the current step are applied now.
        events += mind.step(to: time, stimuli: queue.due(at: time).map(\.stimulus))
        while Double(step + 1) / hz <= end + 1e-9 {
            step += 1
            events += mind.step(to: time, stimuli: queue.due(at: time).map(\.stimulus))
        }
    }

    var moods: [Mood] { mind.log.map(\.to) }
}

/// Pointer events from `start` to `end` at `rate` events per second, moving vertically at
/// `speed(t)` view-heights per second. The direction flips at every event, so the straight
/// distance between two events is exactly the distance travelled (no bounce shortens it).
func pointerStream(from start: Double, to end: Double, rate: Double = 10, x: Double = 0.5,
                   speed: (Double) -> Double) -> [StimulusEvent] {
    var events: [StimulusEvent] = []
    var y = 0.3, direction = 1.0
    var i = 0
    var t = start
    while t <= end + 1e-9 {
        events.append(StimulusEvent(t: t, .pointer(x: x, y: y)))
        i += 1
        let next = start + Double(i) / rate
        let d = speed(t) * (next - t)
        y = min(1, max(0, y + direction * d))
        direction = -direction
        t = next
    }
    return events
}

/// A random stimulus stream for property tests: bursts of pointer movement at varied speeds,
/// clicks, leaves, answers and pressure ticks, sorted by time.
func randomStream(_ rng: inout SplitMix64, seconds: Double) -> [StimulusEvent] {
    var events: [StimulusEvent] = []
    var t = 0.0
    while t < seconds {
        switch rng.next() % 10 {
        case 0...4:
            let speed = rng.nextUnit() * 4
            let rate = [5.0, 10, 30, 60][Int(rng.next() % 4)]
            let length = rng.nextUnit() * 3
            events += pointerStream(from: t, to: t + length, rate: rate, x: rng.nextUnit()) { _ in speed }
            t += length
        case 5: events.append(StimulusEvent(t: t, .click(x: rng.nextUnit(), y: rng.nextUnit())))
        case 6: events.append(StimulusEvent(t: t, .leave))
        case 7: events.append(StimulusEvent(t: t, .answer(correct: rng.next() % 2 == 0)))
        case 8: events.append(StimulusEvent(t: t, .pressure(remaining: rng.nextUnit())))
        default: t += rng.nextUnit() * 5 // a pause
        }
        t += rng.nextUnit() * 0.5
    }
    return events
}

/// A clock at midnight UTC of a day number, plus `hours`.
func clock(day: Int, hours: Double = 12, offset: Int = 0) -> WallClock {
    WallClock(unixSeconds: Double(day) * 86_400 + hours * 3600, utcOffsetSeconds: offset)
}

import Mind
import Simulation
import Stimuli
import Testing

/// Runs a world for `seconds` with a fixed mood and pointer (view coordinates).
func swim(_ mood: Mood, pointer: ViewPoint?, seconds: Double, seed: UInt64 = 4, pointerSpeed: Double = 0.2,
          world start: CandlefishWorld? = nil) -> CandlefishWorld {
    var world = start ?? CandlefishWorld(seed: seed)
    let input = CandlefishInput(mood: mood, expression: Expression.target(for: mood), pointer: pointer, pointerSpeed: pointerSpeed)
    for _ in 0..<Int(seconds * 60) { _ = world.step(dt: FixedStep.dt, input: input, stimuli: EmptyCollection()) }
    return world
}

@Suite("Candlefish behaviour")
struct CandlefishWorldTests {
    @Test("a trusting fish comes to the pointer and stays near it")
    func trustingApproaches() {
        let pointer = ViewPoint(x: 0.8, y: 0.3)
        let start = CandlefishWorld(seed: 4)
        let target = start.world(pointer)
        let before = (start.agent.position - target).length
        let w = swim(.trusting, pointer: pointer, seconds: 8)
        let after = (w.agent.position - target).length
        #expect(before > 0.8)
        #expect(after < 0.35, "\(after)")
    }

    @Test("a shy fish flees a nearby pointer")
    func shyFlees() {
        let start = CandlefishWorld(seed: 4)
        // The pointer just ahead of the fish.
        let p = start.agent.position + start.heading * 0.15
        let pointer = ViewPoint(x: (p.x / start.aspect + 1) / 2, y: (1 - p.y) / 2)
        let w = swim(.shy, pointer: pointer, seconds: 2, world: start)
        #expect((w.agent.position - p).length > 0.5)
    }

    @Test("excited fish dart, shy fish without a pointer do not")
    func darts() {
        var excitedDarts = 0, calmDarts = 0
        var a = CandlefishWorld(seed: 9), b = CandlefishWorld(seed: 9)
        for _ in 0..<600 {
            a = swim(.excited, pointer: nil, seconds: 1.0 / 60, world: a)
            b = swim(.shy, pointer: nil, seconds: 1.0 / 60, world: b)
            if a.darts.activeLeft == a.darts.duration { excitedDarts += 1 }
            if b.darts.activeLeft == b.darts.duration { calmDarts += 1 }
        }
        #expect(excitedDarts >= 3)
        #expect(calmDarts == 0)
    }

    @Test("a lonely fish sinks low; any fish stays in view")
    func lonelySinksAndStaysInView() {
        let w = swim(.lonely, pointer: nil, seconds: 30)
        #expect(w.agent.position.y < -0.3)
        for mood in Mood.allCases {
            var world = CandlefishWorld(seed: 11)
            for _ in 0..<20 {
                world = swim(mood, pointer: nil, seconds: 3, world: world)
                #expect(abs(world.agent.position.x) < world.aspect + 0.1 && abs(world.agent.position.y) < 1.1, "\(mood)")
            }
        }
    }

    @Test("excited fish swim faster than shy ones, and beat their tails faster")
    func speedFollowsMood() {
        let fast = swim(.excited, pointer: nil, seconds: 6), slow = swim(.shy, pointer: nil, seconds: 6)
        #expect(fast.agent.maxSpeed > slow.agent.maxSpeed * 2)
        #expect(fast.omega > slow.omega)
    }

    @Test("food sinks under gravity and sparkles")
    func foodSinks() {
        var world = CandlefishWorld(seed: 2)
        // Far from the fish, which starts near the centre-left.
        let input = CandlefishInput(mood: .shy, expression: Expression.target(for: .shy))
        _ = world.step(dt: FixedStep.dt, input: input, stimuli: [Stimulus.click(x: 0.95, y: 0.1)])
        let y0 = world.food.map(\.position.y).reduce(0, +)
        #expect(world.food.count == 3 && world.ripples.count == 1 && !world.sparkles.isEmpty)
        // Pieces are tossed up a little, then sink slowly (terminal speed about 0.045 per second).
        for _ in 0..<(4 * 60) { _ = world.step(dt: FixedStep.dt, input: input, stimuli: EmptyCollection()) }
        #expect(world.food.count == 3)
        #expect(world.food.map(\.position.y).reduce(0, +) < y0 - 3 * 0.08)
        #expect(world.food.allSatisfy { $0.velocity.y < -0.03 })
    }
}

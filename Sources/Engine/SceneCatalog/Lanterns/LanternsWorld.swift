import Mind
#if canImport(Glibc)
import Glibc
#endif

/// The lanterns in the sky: each rises from the water line, swaying, and is gone past the
/// top. One drifts up on its own every few seconds; remembered ones start high and far.
public struct LanternsWorld: Sendable {
    /// One lantern, in view coordinates (x 0...1 from the left, y 0...1 from the top).
    public struct Lantern: Sendable, Equatable {
        public var x: Double, y: Double
        public var previousX: Double, previousY: Double
        /// View heights per second.
        public var rise: Double
        /// Radius in view heights (smaller is farther).
        public var size: Double
        public var phase: Double
    }

    /// Where lanterns start: the water line, in view y.
    public static let waterLine = 0.72
    /// Seconds between the lanterns that rise on their own; the first at `firstAmbient`.
    public static let ambientEvery = 4.0
    public static let firstAmbient = 3.0

    public private(set) var lanterns: [Lantern] = []
    public private(set) var time = 0.0
    private var random: SplitMix64
    private var nextAmbient = LanternsWorld.firstAmbient

    /// A sky with up to 12 of the `remembered` lanterns already high in it.
    public init(seed: UInt64, remembered: Int) {
        random = SplitMix64(seed: seed ^ 0x4C41_4E54)
        for _ in 0..<min(12, remembered) {
            let x = 0.08 + 0.84 * random.nextUnit(), y = 0.05 + 0.3 * random.nextUnit()
            lanterns.append(Lantern(x: x, y: y, previousX: x, previousY: y, rise: 0.004, size: 0.006 + 0.004 * random.nextUnit(),
                                    phase: 6.28 * random.nextUnit()))
        }
    }

    /// Moves every lantern on by `dt` seconds and releases one at each view x in `launches`.
    public mutating func step(dt: Double, launches: [Double]) {
        time += dt
        for x in launches { release(at: x, size: 0.028) }
        while time >= nextAmbient {
            release(at: 0.1 + 0.8 * random.nextUnit(), size: 0.014 + 0.008 * random.nextUnit())
            nextAmbient += Self.ambientEvery
        }
        for i in lanterns.indices {
            var l = lanterns[i]
            l.previousX = l.x
            l.previousY = l.y
            l.y -= l.rise * dt
            l.x += 0.01 * sin(time * 0.7 + l.phase) * dt
            l.rise = max(l.rise * (1 - 0.03 * dt), 0.004)
            lanterns[i] = l
        }
        lanterns.removeAll { $0.y < -0.1 }
    }

    private mutating func release(at x: Double, size: Double) {
        let x = min(1, max(0, x)), y = Self.waterLine
        lanterns.append(Lantern(x: x, y: y, previousX: x, previousY: y, rise: 0.05 + 0.02 * random.nextUnit(), size: size,
                                phase: 6.28 * random.nextUnit()))
    }
}

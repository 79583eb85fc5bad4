import Mind
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// The `model` scene's mind and world in one: a turntable the pointer turns, and the clip
/// the model plays. Moving the pointer across the view turns the model with it (a full turn
/// across the view's width); when the pointer leaves, the turntable carries on from there at
/// its own pace (`SceneModel.orbitSeconds` per turn) and the angle is remembered. A click
/// plays the next clip, cross-faded over `fadeSeconds`.
public struct ModelTurntable {
    /// Radians, and the value at the previous step (frames interpolate between them).
    public private(set) var yaw: Double
    public private(set) var previousYaw: Double
    /// The clip playing (an index into the model's animations) and when it started; nil for
    /// the rest pose.
    public private(set) var clip: Int?
    public private(set) var clipStart = 0.0
    /// The clip faded out, and when the fade began.
    public private(set) var previousClip: Int?
    public private(set) var previousClipStart = 0.0
    public private(set) var fadeStart = -1000.0
    public private(set) var memory: ModelMemory

    public static let fadeSeconds = 0.4
    /// How fast the model follows the pointer: the gap shrinks by e every 1/12 s.
    static let followRate = 12.0

    let orbitRate: Double
    let clipCount: Int
    var grab: (x: Double, yaw: Double)?
    var target: Double?
    var turnedBy = false
    var time = 0.0
    var events: [ModelMemory.Event] = []

    public init(memory: ModelMemory, orbitSeconds: Double, clip: Int?, clipCount: Int) {
        self.memory = memory
        yaw = memory.yaw
        previousYaw = yaw
        orbitRate = orbitSeconds > 0 ? 2 * Double.pi / orbitSeconds : 0
        self.clip = clip
        self.clipCount = clipCount
        events.append(.visit)
        self.memory.apply(.visit)
    }

    /// One fixed step at `time` with its stimuli; returns the memory events.
    public mutating func step(to time: Double, dt: Double, stimuli: some Sequence<Stimulus>) -> [ModelMemory.Event] {
        self.time = time
        previousYaw = yaw
        for s in stimuli {
            switch s {
            case let .pointer(x, _):
                if let g = grab {
                    target = g.yaw + (x - g.x) * 2 * Double.pi
                    turnedBy = true
                } else {
                    grab = (x, yaw)
                }
            case .leave:
                release()
            case .click:
                guard clipCount > 0 else { break }
                previousClip = clip
                previousClipStart = clipStart
                fadeStart = time
                clip = clip.map { ($0 + 1) % clipCount } ?? 0
                clipStart = time
            default:
                break
            }
        }
        if let t = target {
            yaw += (t - yaw) * (1 - exp(-Self.followRate * dt))
        } else {
            yaw += orbitRate * dt
        }
        return takeEvents()
    }

    /// The pointer let go: the turntable carries on from here, and the angle is remembered.
    mutating func release() {
        if turnedBy { record(.turned(t: time, yaw: Self.wrapped(yaw))) }
        grab = nil
        target = nil
        turnedBy = false
    }

    public mutating func finish() -> [ModelMemory.Event] {
        release()
        record(.sessionEnd(t: time))
        return takeEvents()
    }

    mutating func record(_ e: ModelMemory.Event) {
        events.append(e)
        memory.apply(e)
    }

    mutating func takeEvents() -> [ModelMemory.Event] {
        defer { events.removeAll() }
        return events
    }

    /// An angle in 0 ..< 2π.
    static func wrapped(_ a: Double) -> Double {
        let r = a.truncatingRemainder(dividingBy: 2 * Double.pi)
        let w = r < 0 ? r + 2 * Double.pi : r
        return w < 2 * Double.pi ? w : 0
    }
}

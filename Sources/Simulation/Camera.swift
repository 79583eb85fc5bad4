#if canImport(Glibc)
import Glibc
#endif

/// Where a camera is, what it looks at, and its vertical field of view in degrees.
public struct CameraPose: Sendable, Equatable {
    public var position: SIMD3<Double>
    public var lookAt: SIMD3<Double>
    public var fov: Double

    public init(position: SIMD3<Double>, lookAt: SIMD3<Double>, fov: Double) {
        self.position = position
        self.lookAt = lookAt
        self.fov = fov
    }
}

/// A camera move over one shot. Each shot starts where the previous one ended.
public enum CameraMove: Sendable, Equatable {
    /// Hold the pose.
    case hold
    /// Change the field of view to `fov` degrees.
    case zoom(fov: Double)
    /// Circle the look-at point about the vertical axis by `degrees` (and rise by `rise`).
    case orbit(degrees: Double, rise: Double)
    /// Move along the line of sight until `distance` from the look-at point.
    case dolly(distance: Double)
    /// Turn to look at `lookAt` without moving.
    case pan(lookAt: SIMD3<Double>)
}

/// One shot: a move over `duration` seconds, shaped by `easing`.
public struct Shot: Sendable, Equatable {
    public var duration: Double
    public var move: CameraMove
    public var easing: Easing

    public init(_ move: CameraMove, duration: Double, easing: Easing) {
        self.move = move
        self.duration = duration
        self.easing = easing
    }

    /// The pose `progress` (0...1, before easing) of the way through this shot from `start`.
    public func pose(from start: CameraPose, progress: Double) -> CameraPose {
        let e = easing(progress)
        var p = start
        switch move {
        case .hold:
            break
        case let .zoom(fov):
            p.fov = start.fov + (fov - start.fov) * e
        case let .orbit(degrees, rise):
            let offset = start.position - start.lookAt
            let a = degrees * Double.pi / 180 * e
            let c = cos(a), s = sin(a)
            p.position = start.lookAt + SIMD3(c * offset.x + s * offset.z, offset.y + rise * e, -s * offset.x + c * offset.z)
        case let .dolly(distance):
            let offset = start.position - start.lookAt
            let d0 = (offset * offset).sum().squareRoot()
            let d = d0 + (distance - d0) * e
            p.position = start.lookAt + offset * (d / max(d0, 1e-9))
        case let .pan(lookAt):
            p.lookAt = start.lookAt + (lookAt - start.lookAt) * e
        }
        return p
    }
}

/// A shot list: an opening pose, shots played in order, and then the shots from `loopFrom`
/// on repeated forever (the loop should end where it starts, so that it joins seamlessly).
public struct ShotList: Sendable, Equatable {
    public var opening: CameraPose
    public var shots: [Shot]
    public var loopFrom: Int

    public init(opening: CameraPose, shots: [Shot], loopFrom: Int) {
        precondition(!shots.isEmpty && loopFrom < shots.count)
        self.opening = opening
        self.shots = shots
        self.loopFrom = loopFrom
    }

    /// The camera at time `t` seconds, and the index of the shot playing.
    public func pose(at t: Double) -> (pose: CameraPose, shot: Int) {
        var start = opening
        var elapsed = 0.0
        var loopStart: CameraPose?
        var loopStartTime = 0.0
        var i = 0
        var t = max(0, t)
        var guardCount = 0
        while true {
            if i == loopFrom, loopStart == nil { loopStart = start; loopStartTime = elapsed }
            let shot = shots[i]
            if t < elapsed + shot.duration || guardCount > 10_000 {
                return (shot.pose(from: start, progress: (t - elapsed) / shot.duration), i)
            }
            start = shot.pose(from: start, progress: 1)
            elapsed += shot.duration
            i += 1
            guardCount += 1
            if i == shots.count {
                // Skip whole loops arithmetically, then restart the loop from its first pose.
                let period = elapsed - loopStartTime
                if period > 0, t - elapsed > period { t -= ((t - elapsed) / period).rounded(.down) * period }
                i = loopFrom
                start = loopStart!
            }
        }
    }

    /// The emergence scene's shot list: the orb in a still wide shot, a dolly in as the figure
    /// forms, a zoom that settles with an elastic overshoot, then a loop of orbits, pans and
    /// dollies that returns to where it began.
    public static let emergence = ShotList(
        opening: CameraPose(position: SIMD3(0, 1.25, 5.2), lookAt: SIMD3(0, 1.1, 0), fov: 42),
        shots: [
            Shot(.hold, duration: 0.8, easing: .linear),
            Shot(.dolly(distance: 3.6), duration: 2.2, easing: .easeOutCubic),
            Shot(.zoom(fov: 36), duration: 1.6, easing: .easeOutElastic),
            // The loop (net zero: it ends where it starts).
            Shot(.orbit(degrees: 55, rise: 0.35), duration: 6, easing: .easeInOutSine),
            Shot(.pan(lookAt: SIMD3(0.05, 1.45, 0)), duration: 2.5, easing: .easeInOutCubic),
            Shot(.dolly(distance: 2.7), duration: 3, easing: .easeInOutCubic),
            Shot(.hold, duration: 1.5, easing: .linear),
            Shot(.orbit(degrees: -110, rise: -0.35), duration: 8, easing: .easeInOutSine),
            Shot(.zoom(fov: 30), duration: 2, easing: .easeOutElastic),
            Shot(.pan(lookAt: SIMD3(0, 1.1, 0)), duration: 2.5, easing: .easeInOutCubic),
            Shot(.zoom(fov: 36), duration: 2, easing: .easeInOutSine),
            Shot(.dolly(distance: 3.6), duration: 3, easing: .easeInOutCubic),
            Shot(.orbit(degrees: 55, rise: 0), duration: 6, easing: .easeInOutSine),
        ],
        loopFrom: 3)
}

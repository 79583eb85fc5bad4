import GLTF
import Mind
import Raster
import Simulation
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// Which of a character's clips and morph targets emergence's mind plays in each of its
/// states (`--clips`). A name the model does not have is skipped: the rest pose, or no face.
/// The mapping is documented in docs/gltf.md, "Emergence with your character".
public struct CharacterClips: Sendable, Equatable {
    /// Looping while nothing else plays.
    public var idle: String
    /// Once, after a correct answer.
    public var correct: String
    /// Once, after a wrong answer.
    public var wrong: String
    /// Once, when the stage rises.
    public var stageUp: String
    /// Once, then held, while corruption is at `CharacterAnimator.corruptedFrom` or more.
    public var corrupted: String
    /// Looping at the final stage (5).
    public var final: String
    /// Morph targets: shown for a while after a wrong answer, after a rising stage, and in
    /// proportion to corruption.
    public var wrongFace: String
    public var stageUpFace: String
    public var corruptedFace: String

    /// RobotExpressive's names (three.js's example robot).
    public static let standard = CharacterClips(
        idle: "Idle", correct: "Yes", wrong: "No", stageUp: "Jump", corrupted: "Death", final: "Dance",
        wrongFace: "Sad", stageUpFace: "Surprised", corruptedFace: "Angry")
}

/// The character's animation as emergence's mind drives it: a base clip (idle, the final
/// stage's loop, or the corrupted collapse held at its end), one-shots for answers and rising
/// stages, cross-faded over `fadeSeconds` of simulation time, and facial morph weights eased
/// over fixed times. Everything follows simulation time, so the look is the same at any frame
/// rate.
public struct CharacterAnimator: Sendable {
    /// A clip playing: its index, its start, and whether it plays once (a one-shot) or holds
    /// its last frame.
    public struct Playing: Sendable, Equatable {
        public var clip: Int
        public var start: Double
        public var once: Bool
        public var hold: Bool
    }

    public static let fadeSeconds = 0.3
    /// Corruption (0...4) from which the corrupted clip replaces idle.
    public static let corruptedFrom = 3
    /// How long a face shows after its event, and how fast faces ease (seconds).
    static let faceHold = 2.5, faceEase = 0.2

    public private(set) var current: Playing?
    public private(set) var previous: Playing?
    public private(set) var fadeStart = -1000.0
    /// Weights of the wrong, stage-up and corrupted faces, 0...1.
    public private(set) var faces = SIMD3<Double>.zero

    let idle: Int?, correct: Int?, wrong: Int?, stageUp: Int?, corrupted: Int?, final: Int?
    let durations: [Double]
    var lastStage: Int
    var wrongAt = -1000.0, stageAt = -1000.0

    public init(model: GLTFModel, clips: CharacterClips, stage: Int) {
        func index(_ name: String) -> Int? { model.animations.firstIndex { $0.name == name } }
        idle = index(clips.idle); correct = index(clips.correct); wrong = index(clips.wrong)
        stageUp = index(clips.stageUp); corrupted = index(clips.corrupted); final = index(clips.final)
        durations = model.animations.map { Double($0.duration) }
        lastStage = stage
        current = idle.map { Playing(clip: $0, start: 0, once: false, hold: false) }
    }

    /// One fixed step at `time`, after the mind's, with its stimuli.
    public mutating func step(to time: Double, dt: Double, mind: EmergenceMind, stimuli: some Sequence<Stimulus>) {
        for case let .answer(right) in stimuli {
            if !right { wrongAt = time }
            play(right ? correct : wrong, at: time, once: true)
        }
        if mind.stage > lastStage {
            stageAt = time
            play(stageUp, at: time, once: true)
        }
        lastStage = mind.stage
        // Back to the base clip when a one-shot nears its end, or when the base changes.
        let base = baseClip(mind)
        if let c = current, c.once {
            if time >= c.start + durations[c.clip] - Self.fadeSeconds { play(base.clip, at: time, once: false, hold: base.hold) }
        } else if current?.clip != base.clip {
            play(base.clip, at: time, once: false, hold: base.hold)
        }
        let k = 1 - exp(-dt / Self.faceEase)
        let goal = SIMD3(time - wrongAt < Self.faceHold ? 1.0 : 0, time - stageAt < Self.faceHold ? 1.0 : 0, Double(mind.corruption) / 4)
        faces += (goal - faces) * k
    }

    func baseClip(_ mind: EmergenceMind) -> (clip: Int?, hold: Bool) {
        if mind.corruption >= Self.corruptedFrom, let c = corrupted { return (c, true) }
        if mind.stage >= 5, let f = final { return (f, false) }
        return (idle, false)
    }

    mutating func play(_ clip: Int?, at time: Double, once: Bool, hold: Bool = false) {
        guard let clip else { return }
        previous = current
        fadeStart = time
        current = Playing(clip: clip, start: time, once: once, hold: hold)
    }

    /// The pose at `time`: the clip playing, cross-faded from the one before, with the faces.
    public func pose(_ model: GLTFModel, faceTargets: [(node: Int, wrong: Int?, stageUp: Int?, corrupted: Int?)], at time: Double) -> GLTFPose {
        func sampled(_ p: Playing?) -> GLTFPose {
            var pose = model.restPose
            guard let p else { return pose }
            let local = time - p.start
            let t = p.hold || p.once ? min(local, durations[p.clip]) : local
            model.animations[p.clip].sample(at: Float(t), into: &pose, looping: !(p.hold || p.once))
            return pose
        }
        var pose = sampled(current)
        let fade = (time - fadeStart) / Self.fadeSeconds
        if fade < 1 { pose = GLTFPose.mix(sampled(previous), pose, Float(max(0, fade))) }
        for f in faceTargets {
            for (target, weight) in [(f.wrong, faces.x), (f.stageUp, faces.y), (f.corrupted, faces.z)] {
                if let target, target < pose.weights[f.node].count { pose.weights[f.node][target] = Float(min(1, weight)) }
            }
        }
        return pose
    }

    /// For each node whose mesh has them, the indices of the three faces' morph targets.
    public static func faceTargets(_ model: GLTFModel, _ clips: CharacterClips) -> [(node: Int, wrong: Int?, stageUp: Int?, corrupted: Int?)] {
        model.nodes.indices.compactMap { n in
            guard let m = model.nodes[n].mesh else { return nil }
            let names = model.meshes[m].targetNames
            let found = (names.firstIndex(of: clips.wrongFace), names.firstIndex(of: clips.stageUpFace), names.firstIndex(of: clips.corruptedFace))
            return found == (nil, nil, nil) ? nil : (n, found.0, found.1, found.2)
        }
    }
}

/// The character's surface under the particles: each particle bound to a point of a
/// triangle, chosen by area with a seeded generator and kept by its barycentric
/// coordinates, so it follows the skin as the character moves. The character is placed to
/// stand where the figure stands (feet at y = 0, 1.8 tall, centred, facing +z).
final class CharacterSurface {
    let rig: ModelRig
    let placement: Matrix4
    /// Per particle: its triangle's three vertices (indices into every part's posed vertices
    /// one after another) and two barycentric weights.
    let corners: [SIMD3<UInt32>], weights: [SIMD2<Float>]
    /// Where each part's vertices start in that sequence.
    let partStart: [Int]
    var targets: [SIMD3<Float>], normals: [SIMD3<Float>]
    var flatPositions: [SIMD3<Float>] = [], flatNormals: [SIMD3<Float>] = []
    let faceTargets: [(node: Int, wrong: Int?, stageUp: Int?, corrupted: Int?)]

    /// The figure's height, and the most a character may span across, in world units.
    static let height: Float = 1.8, maxWidth: Float = 2.2

    init(_ shown: SceneModel, clips: CharacterClips, count: Int, seed: UInt64) {
        let model = shown.model
        rig = ModelRig(model: model)
        faceTargets = CharacterAnimator.faceTargets(model, clips)
        // Fit the rest pose to the figure's place.
        rig.pose(model.restPose, placement: .identity)
        var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
        for ps in rig.posed { for p in ps { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) } }
        // As tall as the figure, unless that makes it wider than `maxWidth`.
        let s = min(Self.height / max(hi.y - lo.y, 1e-6), Self.maxWidth / max(hi.x - lo.x, hi.z - lo.z, 1e-6))
        let centre = (lo + hi) / 2
        placement = Matrix4.scale(SIMD3(repeating: s))
            * Matrix4.translation(SIMD3(-centre.x, -lo.y, -centre.z))
        rig.pose(model.restPose, placement: placement)

        // Triangles by area over every part, then a seeded draw per particle.
        var cumulative: [Double] = [], triangles: [SIMD3<UInt32>] = []
        var total = 0.0
        var starts: [Int] = [], start = 0
        for (k, part) in rig.parts.enumerated() {
            starts.append(start)
            let ps = rig.posed[k], idx = part.primitive.indices
            let offset = UInt32(start)
            var t = 0
            while t + 2 < idx.count {
                let a = ps[Int(idx[t])], b = ps[Int(idx[t + 1])], c = ps[Int(idx[t + 2])]
                total += Double(length(cross(b - a, c - a)) / 2)
                cumulative.append(total)
                triangles.append(SIMD3(idx[t], idx[t + 1], idx[t + 2]) &+ offset)
                t += 3
            }
            start += ps.count
        }
        partStart = starts
        var rng = SplitMix64(seed: seed ^ 0xC4A2_AC7E_0000_0003)
        var corners: [SIMD3<UInt32>] = [], weights: [SIMD2<Float>] = []
        corners.reserveCapacity(count); weights.reserveCapacity(count)
        for _ in 0..<count {
            let pick = rng.nextUnit() * total
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] <= pick { lo = mid + 1 } else { hi = mid }
            }
            let r = rng.nextUnit().squareRoot(), v = rng.nextUnit()
            corners.append(triangles[lo])
            weights.append(SIMD2(Float(r * (1 - v)), Float(r * v)))
        }
        self.corners = corners
        self.weights = weights
        targets = [SIMD3<Float>](repeating: .zero, count: count)
        normals = [SIMD3<Float>](repeating: SIMD3(0, 0, 1), count: count)
    }

    /// The surface under `pose`; the particles are split over `pool` in fixed chunks, each
    /// computed alike whoever runs it.
    func update(_ pose: GLTFPose, pool: WorkerPool) -> ParticleSurface {
        rig.pose(pose, placement: placement)
        flatPositions.removeAll(keepingCapacity: true)
        flatNormals.removeAll(keepingCapacity: true)
        for k in rig.parts.indices {
            flatPositions.append(contentsOf: rig.posed[k])
            flatNormals.append(contentsOf: rig.posedNormals[k])
        }
        let n = corners.count, chunk = 4096
        flatPositions.withUnsafeBufferPointer { ps in
        flatNormals.withUnsafeBufferPointer { ns in
        corners.withUnsafeBufferPointer { cs in
        weights.withUnsafeBufferPointer { ws in
        targets.withUnsafeMutableBufferPointer { tg in
        normals.withUnsafeMutableBufferPointer { nm in
            pool.forEach((n + chunk - 1) / chunk) { k in
              for i in (k * chunk)..<min(n, (k + 1) * chunk) {
                let c = cs[i], w = ws[i]
                let w0 = 1 - w.x - w.y
                let a = Int(c.x), b = Int(c.y), d = Int(c.z)
                tg[i] = ps[a] * w0 + ps[b] * w.x + ps[d] * w.y
                let v = ns[a] * w0 + ns[b] * w.x + ns[d] * w.y
                let l2 = (v * v).sum()
                nm[i] = l2 > 1e-30 ? v * (1 / l2.squareRoot()) : SIMD3(0, 0, 1)
              }
            }
        }}}}}}
        return ParticleSurface(targets: targets, normals: normals)
    }
}

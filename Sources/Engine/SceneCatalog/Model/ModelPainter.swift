import GLTF
import Raster
import Scenes
#if canImport(Glibc)
import Glibc
#endif

/// Draws the model scene: a studio backdrop, a soft shadow on the floor, and the model posed
/// (its clip, cross-faded), turned and lit by `ModelRig`. The camera is framed once from the
/// model's bounds over its rest pose and every clip, so it never cuts off a pose.
public final class ModelPainter {
    public let width: Int, height: Int
    public let richness: Richness
    let backdrop = ColorMesh(), shadow = ColorMesh()
    var frame = SceneFrame()
    /// The rig and framing of the model last drawn, made on first use.
    var rig: ModelRig?
    var framing = Framing(centre: .zero, halfHeight: 1, radius: 1, floor: -1)
    /// World space to clip space in the last frame (for tests and tools that project the
    /// model themselves).
    public private(set) var viewProjection = Matrix4.identity

    struct Framing {
        var centre: SIMD3<Float>
        /// Half the height, and the radius of the circle the turntable sweeps.
        var halfHeight: Float
        var radius: Float
        var floor: Float
    }

    /// The camera's vertical field of view and how far above the model's centre it looks from.
    static let fovY: Float = 30 * .pi / 180
    static let elevation: Float = 0.16

    public init(width: Int, height: Int, richness: Richness) {
        self.width = width
        self.height = height
        self.richness = richness
    }

    func frame(_ state: Model.State, time: Double, alpha: Double) -> SceneFrame {
        let model = state.shown.model
        if rig == nil || rig!.model.name != model.name {
            rig = ModelRig(model: model)
            framing = Self.frame(model, clip: state.turntable.clip)
        }
        let rig = rig!
        frame.draws.removeAll(keepingCapacity: true)
        backdrop.reset()
        shadow.reset()
        addGradient(backdrop, stops: [(1, SIMD3(0.035, 0.04, 0.06)), (0.1, SIMD3(0.018, 0.02, 0.03)), (-1, SIMD3(0.006, 0.006, 0.01))])
        frame.draws.append(backdrop.draw(transform: .identity, state: RenderState(depthTest: .always, depthWrite: false, blend: .opaque))!)
        // The backdrop is the gradient alone: a transparent render keeps the floor's shadow.
        frame.backdropDraws = 1

        // The camera: in front, a little above, far enough for the turntable's cylinder to
        // fit both fields of view with a margin.
        let aspect = Float(width) / Float(height)
        let halfY = Self.fovY / 2, halfX = atanf(tanf(halfY) * aspect)
        let distance = (max(framing.halfHeight / tanf(halfY), framing.radius / tanf(halfX)) * 1.15 + framing.radius)
        let eye = framing.centre + SIMD3(0, distance * sinf(Self.elevation), distance * cosf(Self.elevation))
        let view = Matrix4.lookAt(eye: eye, target: framing.centre, up: SIMD3(0, 1, 0))
        let reach = framing.radius + framing.halfHeight
        let projection = Matrix4.perspective(fovY: Self.fovY, aspect: aspect, near: max(distance - reach * 2, distance * 0.01),
                                             far: distance + reach * 2)
        viewProjection = projection * view

        // The floor's shadow: a dark disc under the model, soft at its edge.
        let c = framing.centre
        let rim = 24
        let centre = shadow.vertex(SIMD3(c.x, framing.floor, c.z), SIMD4(0, 0, 0, 0.55))
        var ring: [UInt32] = []
        for k in 0..<rim {
            let a = Float(k) / Float(rim) * 2 * .pi
            ring.append(shadow.vertex(SIMD3(c.x + cosf(a) * framing.radius * 0.9, framing.floor, c.z + sinf(a) * framing.radius * 0.9), .zero))
        }
        for k in 0..<rim { shadow.triangle(centre, ring[k], ring[(k + 1) % rim]) }
        frame.draws.append(shadow.draw(transform: viewProjection, state: RenderState(depthTest: .always, depthWrite: false, blend: .premultipliedAlpha))!)

        // The pose: the clip at its own time, cross-faded from the one before.
        let turntable = state.turntable
        var pose = model.restPose
        if let k = turntable.clip {
            model.animations[k].sample(at: Float(time - turntable.clipStart), into: &pose, looping: true)
            let fade = (time - turntable.fadeStart) / ModelTurntable.fadeSeconds
            if fade < 1 {
                var before = model.restPose
                if let p = turntable.previousClip {
                    model.animations[p].sample(at: Float(time - turntable.previousClipStart), into: &before, looping: true)
                }
                pose = GLTFPose.mix(before, pose, Float(max(0, fade)))
            }
        }
        let yaw = Float(turntable.previousYaw + (turntable.yaw - turntable.previousYaw) * alpha)
        let placement = Matrix4.translation(c) * Matrix4.rotationY(yaw) * Matrix4.translation(-c)
        rig.pose(pose, placement: placement)
        let light = RigLight(keyDirection: SIMD3(-0.5, 0.8, 0.6), key: SIMD3(1.7, 1.55, 1.4),
                             fillDirection: SIMD3(0.8, 0.1, 0.4), fill: SIMD3(0.22, 0.27, 0.38),
                             rim: SIMD3(0.45, 0.55, 0.75), ambient: SIMD3(0.1, 0.11, 0.14))
        frame.draws += rig.draws(viewProjection: viewProjection, eye: eye, light: light)

        var look = Look()
        look.exposure = 1
        look.bloomStrength = richness == .minimal ? 0 : 0.45
        look.bloomThreshold = 0.9
        look.vignette = 0.3
        look.grain = richness == .rich ? 0.02 : 0
        frame.look = look
        return frame
    }

    /// The cylinder about the model's vertical axis that holds it over its rest pose and
    /// sixteen moments of the clip it starts with, whatever way the turntable faces, and its
    /// floor. (A clip chosen later by a click may reach past it.)
    static func frame(_ model: GLTFModel, clip: Int?) -> Framing {
        var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
        func include(_ pose: GLTFPose) {
            guard let b = model.bounds(pose: pose) else { return }
            lo = pointwiseMin(lo, b.min)
            hi = pointwiseMax(hi, b.max)
        }
        include(model.restPose)
        if let clip {
            let animation = model.animations[clip]
            for k in 0..<16 {
                var pose = model.restPose
                animation.sample(at: animation.duration * Float(k) / 16, into: &pose)
                include(pose)
            }
        }
        if !(lo.x <= hi.x) { (lo, hi) = (SIMD3(repeating: -1), SIMD3(repeating: 1)) }
        let centre = (lo + hi) / 2
        let half = (hi - lo) / 2
        let squared: Float = half.x * half.x + half.z * half.z
        return Framing(centre: centre, halfHeight: max(half.y, 1e-3), radius: max(squared.squareRoot(), 1e-3), floor: lo.y)
    }
}

import Raster
import Scenes
import Testing

/// `Camera.sprite`: a sprite drawn larger than its true size keeps its light.
@Suite struct SpriteFootprintTests {
    /// The light a glow sprite adds over the frame: intensity times its drawn area.
    func light(_ s: ScreenSprite, intensity: Float, camera: Camera) -> Float {
        intensity * s.gain * (s.half.x * camera.width / 2) * (s.half.y * camera.height / 2)
    }

    @Test func aSpeckHasTheSameLightAtAnySize() throws {
        // A speck 0.3 pixels in radius at 480×270 (1.2 at 1920×1080) is drawn at 0.8 pixels:
        // its gain makes up the difference, so both frames hold the same light per frame area.
        let small = Camera(eye: SIMD3(0, 0, 3), target: .zero, fovDegrees: 40, width: 480, height: 270)
        let large = Camera(eye: SIMD3(0, 0, 3), target: .zero, fovDegrees: 40, width: 1920, height: 1080)
        let radius: Float = 0.3 / (small.focal * 270 * 0.5 / 3)
        let a = try #require(small.sprite(.zero, radius: radius, minPixels: 0.8))
        let b = try #require(large.sprite(.zero, radius: radius, minPixels: 0.8))
        #expect(abs(a.half.x * 480 / 2 - 0.8) < 1e-4, "drawn at the minimum")
        #expect(abs(a.gain - 0.3 * 0.3 / 0.64) < 1e-3)
        #expect(b.gain == 1, "large enough to draw as it is")
        let perArea = light(a, intensity: 1, camera: small) / (480 * 270)
        let perAreaLarge = light(b, intensity: 1, camera: large) / (1920 * 1080)
        #expect(abs(perArea / perAreaLarge - 1) < 1e-3)
        // A sprite above the minimum is drawn as it is.
        let big = try #require(small.sprite(.zero, radius: radius * 10, minPixels: 0.8))
        #expect(big.gain == 1)
    }
}

/// Visual effects richness: how much of the look a run asks for. Profiles choose it, worlds
/// and scenes draw more or less with it, and the effect chain runs more or fewer effects
/// (`EffectSettings.preset`, `limited(to:)`).
///
/// - `minimal`: tone mapping and the dithered resolve only;
/// - `standard`: adds bloom (3 levels) and the vignette;
/// - `rich`: everything (bloom with 5 levels, chromatic aberration, glitch, grain).
public enum Richness: String, CaseIterable, Codable, Sendable {
    case minimal, standard, rich
}

/// The post-processing a frame asks for. A scene fills one in per frame (`SceneFrame.look`);
/// the effect chain's `EffectSettings` holds it as is, with the chain's own settings
/// (bloom knee and levels, dither, seed and frame) beside it.
public struct Look: Sendable, Equatable {
    /// Linear multiplier applied before tone mapping.
    public var exposure: Float = 1
    /// Bloom: how much of the blurred bright light is added back (0 turns bloom off). At 1 the
    /// bloom carries as much light as the bright pass let through.
    public var bloomStrength: Float = 0
    /// Bloom: brightness (the largest of r, g, b, after exposure) above which light blooms.
    public var bloomThreshold: Float = 1
    /// Chromatic aberration: red/blue channel offset in pixels at the image corners (0 = off).
    /// The red image is scaled up about the centre and the blue one down, so red fringes
    /// outward and blue inward; the offset grows linearly with the distance from the centre.
    /// Up to 12 pixels it costs little; beyond, rows switch to gathers.
    public var chromaticAberration: Float = 0
    /// Glitch: 0 (none) … 1 (heavy): bands displaced sideways with red and blue split apart,
    /// and, in some frames, a few blocks posterised with their channels rotated.
    public var glitch: Float = 0
    /// Film grain: relative amplitude in linear light (0.05 varies a pixel's light by up to ±5 %).
    public var grain: Float = 0
    /// Vignette: darkening toward the corners, 0 (none) … 1 (black corners).
    public var vignette: Float = 0

    public init() {}
}

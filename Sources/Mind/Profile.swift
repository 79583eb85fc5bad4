/// Emotional complexity: how many moods the fish shows and whether it learns.
public enum Complexity: String, CaseIterable, Codable, Sendable {
    /// Three moods: curious, shy and excited. It keeps the fish's core reactions (it notices
    /// you, it is startled, it is fed) and drops the nuanced ones (playful, trusting, lonely).
    case basic
    /// All six moods.
    case standard
    /// Six moods, and it learns the person's usual pointer speed (which scales its fast and
    /// moderate speed thresholds) and favourite feeding spots (a steering hint).
    case advanced
}

/// Trust building rate: a multiplier on trust gains (losses and decay are not scaled).
public enum TrustRate: String, CaseIterable, Codable, Sendable {
    case slow = "0.7"
    case normal = "1.0"
    case fast = "1.3"

    public var multiplier: Double {
        switch self {
        case .slow: return 0.7
        case .normal: return 1.0
        case .fast: return 1.3
        }
    }
}

// `Richness` (Appearance) is part of a profile; Mind only carries it through for the
// renderer, and whoever imports Mind has it.
@_exported import Appearance

/// A named profile: the original's A/B experiments as explicit choices.
public struct Profile: Equatable, Codable, Sendable, CustomStringConvertible {
    public var complexity: Complexity
    public var trustRate: TrustRate
    public var richness: Richness

    public init(complexity: Complexity = .standard, trustRate: TrustRate = .normal, richness: Richness = .standard) {
        self.complexity = complexity
        self.trustRate = trustRate
        self.richness = richness
    }

    public static let standard = Profile()

    public var description: String { "complexity=\(complexity.rawValue),rate=\(trustRate.rawValue),richness=\(richness.rawValue)" }

    /// The `--variant auto` profile for a user id: a stable hash of the id string picks a
    /// bucket in each dimension with the original allocations (complexity 30/50/20,
    /// rate 25/50/25, richness 25/50/25). Each dimension mixes in its own salt so the three
    /// choices are independent.
    public static func variant(forUserID id: String) -> Profile {
        let h = StableHash.fnv1a64(id.lowercased())
        func bucket(_ salt: UInt64) -> UInt64 { SplitMix64.mix(h ^ salt) % 100 }
        let c = bucket(0x636F_6D70), r = bucket(0x7261_7465), v = bucket(0x7269_6368)
        return Profile(
            complexity: c < 30 ? .basic : c < 80 ? .standard : .advanced,
            trustRate: r < 25 ? .slow : r < 75 ? .normal : .fast,
            richness: v < 25 ? .minimal : v < 75 ? .standard : .rich)
    }
}

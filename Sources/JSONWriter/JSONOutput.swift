import Foundation

/// The one JSON writer: every report, timeline, manifest and export photophore prints or
/// writes, and the store's event payloads, are Codable values encoded here, with one
/// configuration.
///
/// Keys are sorted, so the same value always gives the same bytes; slashes are not escaped
/// (paths stay readable); numbers take the shortest form that reads back as the same value,
/// whole numbers without a fraction. `pretty` indents, for files people open (manifests,
/// exports); otherwise the JSON is one line. A value that cannot be JSON (a NaN or an
/// infinity) throws.
///
/// (The stimulus scripts have a reader and writer of their own, `JSONValue` in Stimuli:
/// they must name the event and field of every problem, which this encoder's counterpart
/// cannot.)
public enum JSONOutput {
    /// The value as JSON bytes. `userInfo` reaches the values' `encode(to:)` (the store
    /// hands its scenes' memory codecs down this way).
    public static func bytes<T: Encodable>(_ value: T, pretty: Bool = false,
                                           userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        for (key, info) in userInfo { encoder.userInfo[key] = info }
        return [UInt8](try encoder.encode(value))
    }

    /// The value as JSON text.
    public static func text<T: Encodable>(_ value: T, pretty: Bool = false,
                                          userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> String {
        String(decoding: try bytes(value, pretty: pretty, userInfo: userInfo), as: UTF8.self)
    }
}

/// A key known only at run time (a scene's name, a stage's name), for Codable values whose
/// members are not fixed fields.
public struct JSONKey: CodingKey, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ name: String) { stringValue = name }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

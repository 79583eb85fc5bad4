/// A glTF model could not be loaded. The message is one line that names the file and where
/// in it the fault is: a JSON path such as `accessors[3].count`, or a byte offset.
public struct GLTFError: Error, CustomStringConvertible, Sendable {
    public var description: String

    /// "cannot load `file`: `location`: `why`", made one line of at most 600 characters
    /// whatever the file's names and strings hold.
    public init(file: String, at location: String, _ why: String) {
        let text = "cannot load \(file): " + (location.isEmpty ? "" : location + ": ") + why
        description = GLTFError.oneLine(text, limit: 600)
    }

    /// Control characters become spaces and the text is cut at `limit` characters.
    static func oneLine(_ text: String, limit: Int) -> String {
        var out = String.UnicodeScalarView()
        var n = 0
        for s in text.unicodeScalars {
            if n == limit { out.append(contentsOf: "...".unicodeScalars); break }
            let bad = s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
            out.append(bad ? " " : s)
            n += 1
        }
        return String(out)
    }
}

/// A string from the file, quoted and shortened for an error message.
func quoted(_ s: String) -> String {
    "\"" + GLTFError.oneLine(s, limit: 60) + "\""
}

/// Where the loader is: the file's name for messages, and a short way to throw.
struct Site {
    let file: String
    func error(_ location: String, _ why: String) -> GLTFError { GLTFError(file: file, at: location, why) }
}

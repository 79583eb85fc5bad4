import CFFmpeg
import CPNG

/// Versions of the image and video libraries the sinks use, as (name, version). Asking for
/// FFmpeg's loads it.
public func libraryVersions() -> [(String, String)] {
    func dotted(_ v: UInt32) -> String { "\(v >> 16).\((v >> 8) & 0xFF).\(v & 0xFF)" }
    return [
        ("libpng", String(cString: png_get_libpng_ver(nil))),
        ("libavcodec", dotted(avcodec_version())),
        ("libavformat", dotted(avformat_version())),
    ]
}

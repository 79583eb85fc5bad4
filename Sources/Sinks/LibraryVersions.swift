import CFFmpeg
import CPNG

/// Versions of the image and video libraries the sinks link, as (name, version).
public func libraryVersions() -> [(String, String)] {
    func dotted(_ v: UInt32) -> String { "\(v >> 16).\((v >> 8) & 0xFF).\(v & 0xFF)" }
    return [
        ("libpng", String(cString: png_get_libpng_ver(nil))),
        ("libavcodec", dotted(avcodec_version())),
        ("libavformat", dotted(avformat_version())),
        ("libswscale", dotted(swscale_version())),
    ]
}

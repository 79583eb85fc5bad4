import CFFmpeg
import CPNG
import FFmpegLoader

/// Versions of the image and video libraries the sinks use, as (name, version). Asking for
/// FFmpeg's loads it; without it, video output is unavailable and the version says so.
public func libraryVersions() -> [(String, String)] {
    func dotted(_ v: UInt32) -> String { "\(v >> 16).\((v >> 8) & 0xFF).\(v & 0xFF)" }
    let ffmpegMissing = photophore_ffmpeg_load() != nil
    let missing = "not found: MP4 and WebM output unavailable (tools/setup.sh installs FFmpeg)"
    return [
        ("libpng", String(cString: png_get_libpng_ver(nil))),
        ("libavcodec", ffmpegMissing ? missing : dotted(avcodec_version())),
        ("libavformat", ffmpegMissing ? missing : dotted(avformat_version())),
    ]
}

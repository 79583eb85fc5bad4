import Foundation
import Testing
import TestSupport

/// `render --codec`: AV1 through SVT-AV1 with film-grain synthesis, and the combinations that
/// are refused.
@Suite("photophore render --codec")
struct VideoCodecCLITests {
    @Test("a codec that does not fit the container, or the output, is refused in one line")
    func refusals() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (args, says) in [(["--codec", "h264", "-o", "\(dir)/x.webm"], "H.264 goes into .mp4"),
                             (["--codec", "vp9", "-o", "\(dir)/x.mp4"], "VP9 goes into .webm"),
                             (["--codec", "av1", "-o", "\(dir)/x/"], "a codec is for video"),
                             (["--codec", "hevc", "-o", "\(dir)/x.mp4"], "--codec hevc"),
                             (["--crf", "60", "-o", "\(dir)/x.mp4"], "H.264 takes 0 to 51"),
                             (["--film-grain", "51", "--codec", "av1", "-o", "\(dir)/x.webm"], "--film-grain 51")] {
            let r = try run(photophorePath, ["render", "candlefish", "--size", "64x36", "--frames", "0..3"] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(says), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.mp4") && !FileManager.default.fileExists(atPath: "\(dir)/x.webm"))
        }
    }

    @Test("AV1 in WebM and MP4: decodable, marked in the manifest, the same bytes twice, grain as synthesis parameters")
    func av1() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a.webm", "b.webm", "c.mp4"] {
            let r = try photophore("render", "emergence", "--size", "160x90", "--frames", "0..11", "--richness", "rich",
                                   "--codec", "av1", "-o", "\(dir)/\(name)")
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(FileManager.default.contentsEqual(atPath: "\(dir)/a.webm", andPath: "\(dir)/b.webm"))
        let manifest = try String(contentsOfFile: "\(dir)/c.mp4.manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"codec\" : \"av1\""), "\(manifest)")
        for name in ["a.webm", "c.mp4"] {
            let probe = try run("/usr/bin/ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                            "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", "\(dir)/\(name)"])
            #expect(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "av1,12", "\(name): \(probe.stdout) \(probe.stderr)")
        }
        // The decoder reports the film-grain parameters the stream carries, frame by frame.
        let info = try run("/usr/bin/ffmpeg", ["-hide_banner", "-export_side_data", "film_grain", "-i", "\(dir)/a.webm",
                                      "-vf", "showinfo", "-frames:v", "3", "-f", "null", "-"])
        #expect(info.stderr.contains("film grain parameters"), "\(info.stderr.suffix(2000))")
        let off = try photophore("render", "emergence", "--size", "160x90", "--frames", "0..11", "--richness", "rich",
                                 "--codec", "av1", "--film-grain", "0", "-o", "\(dir)/d.webm")
        #expect(off.status == 0)
        let noGrain = try run("/usr/bin/ffmpeg", ["-hide_banner", "-export_side_data", "film_grain", "-i", "\(dir)/d.webm",
                                         "-vf", "showinfo", "-frames:v", "3", "-f", "null", "-"])
        #expect(!noGrain.stderr.contains("film grain parameters"))
    }
}

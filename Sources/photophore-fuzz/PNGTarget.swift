import Foundation
import Raster
import Sinks
#if canImport(Glibc)
import Glibc
#endif

/// The PNG reader, `PNG.read`, on files made from the repository's posters and goldens, from
/// `PNG.encode`, and from the synthetic seeds of every colour type, depth and interlacing.
struct PNGTarget: FuzzTarget {
    let name = "png"
    let seeds: [FuzzInput]
    let weights: [Int]
    let maxLength = 8 << 20
    let path: String

    init(root: String, scratch: String) throws {
        path = scratch + "/input.png"
        var files: [[UInt8]] = []
        var weights: [Int] = []
        var crops: [Image8] = []
        for dir in ["assets/golden", "assets/posters"] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? []).sorted()
            for name in names where name.hasSuffix(".png") {
                let file = root + "/" + dir + "/" + name
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                files.append(Array(data))
                // Whole posters take milliseconds to decode: a few of them, many small ones.
                weights.append(data.count > 200_000 ? 1 : 20)
                if crops.count < 4, let image = try? PNG.read(file) { crops.append(Self.crop(image, width: 37, height: 21)) }
            }
        }
        var rng = FuzzRandom(seed: 0x0050_4E47)
        var small: [Image8] = crops
        for (w, h) in [(1, 1), (2, 3), (16, 16), (33, 7), (64, 2)] {
            small.append(Image8(width: w, height: h, pixels: (0..<w * h * 4).map { _ in rng.byte() }))
        }
        for (k, image) in small.enumerated() {
            files.append(try PNG.encode(image, alpha: k % 2 == 1))
            weights.append(40)
        }
        let depths: [UInt8: [UInt8]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        for colour in depths.keys.sorted() {
            for depth in depths[colour]! {
                for interlace in [false, true] {
                    files.append(PNGMutator.synthetic(width: 1 + rng.below(24), height: 1 + rng.below(24), depth: depth,
                                                      colour: colour, interlace: interlace, rng: &rng))
                    weights.append(40)
                }
            }
        }
        seeds = files.map { FuzzInput(bytes: $0) }
        self.weights = weights
    }

    static func crop(_ image: Image8, width: Int, height: Int) -> Image8 {
        let w = min(width, image.width), h = min(height, image.height)
        let x0 = (image.width - w) / 2, y0 = (image.height - h) / 2
        var pixels: [UInt8] = []
        for y in y0..<y0 + h { pixels += image.pixels[((y * image.width + x0) * 4)..<((y * image.width + x0 + w) * 4)] }
        return Image8(width: w, height: h, pixels: pixels)
    }

    func mutate(_ input: inout FuzzInput, rng: inout FuzzRandom) {
        PNGMutator.mutate(&input.bytes, rng: &rng, seeds: seeds.map(\.bytes), maxLength: maxLength)
    }

    func run(_ input: FuzzInput) -> Outcome {
        writeFile(path, input.bytes)
        do {
            let image = try PNG.read(path)
            if image.width < 1 || image.height < 1 || image.pixels.count != image.width * image.height * 4 {
                return .failed("read an impossible image: \(image.width)x\(image.height), \(image.pixels.count) bytes")
            }
            return .accepted
        } catch {
            return .rejected(error.description)
        }
    }

    func command(for path: String) -> String { "photophore-fuzz --target png --read \(path)" }
}

/// Writes a file with plain POSIX calls: the fuzzers write one per input.
func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot write \(path): \(String(cString: strerror(errno)))")
    bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let r = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            precondition(r > 0, "cannot write \(path): \(String(cString: strerror(errno)))")
            done += r
        }
    }
    close(fd)
}

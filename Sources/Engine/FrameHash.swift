import Raster

// The frame hashes of `render --frame-hashes` and `play --frame-hashes` (docs/cli.md): what
// the tests compare to show that the window and a headless render draw the same frames.

/// A short, stable hash of a frame's pixels (FNV-1a over 64-bit words, row by row), to
/// compare frames cheaply.
public func frameHash(_ image: Image8) -> String {
    image.pixels.withUnsafeBytes { frameHash($0.baseAddress!, width: image.width, height: image.height, rowBytes: image.width * 4) }
}

/// The hash of `width` × `height` RGBA pixels with rows `rowBytes` apart: the same as the
/// image's with those pixels, whatever the row spacing.
public func frameHash(_ pixels: UnsafeRawPointer, width: Int, height: Int, rowBytes: Int) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    let bytes = width * 4, words = bytes / 8
    for y in 0..<height {
        // Eight bytes at a time: this runs once per frame, so it must be quick.
        let row = pixels + y * rowBytes
        for i in 0..<words {
            h = (h ^ row.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01B3
        }
        for i in (words * 8)..<bytes { h = (h ^ UInt64(row.load(fromByteOffset: i, as: UInt8.self))) &* 0x100_0000_01B3 }
    }
    let s = String(h, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}


import Basics
import Foundation
import JSONWriter
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shared helpers: the number formatter, the clock, the atomic write and the JSON writer.
@Suite struct BasicsTests {
    @Test func fixedRoundsAsPrintfDoes() {
        for x in [0.0, -0.0, 0.05, 0.25, 0.35, 1.005, 2.5, -2.5, 48.25, 84.79999999999905, 1e20, -0.04, 123.456] {
            for d in 0...4 {
                #expect(NumberText.fixed(x, d) == String(format: "%.\(d)f", x), "\(x) with \(d) decimals")
            }
        }
        #expect(NumberText.fixed(3, 2) == "3.00")
        #expect(NumberText.fixed(.nan) == "nan" && NumberText.fixed(.infinity) == "inf" && NumberText.fixed(-.infinity) == "-inf")
    }

    @Test func shortWritesWholeNumbersWithoutAPoint() {
        #expect(NumberText.short(3) == "3")
        #expect(NumberText.short(-12) == "-12")
        #expect(NumberText.short(-0.0) == "0")
        #expect(NumberText.short(0.25) == "0.25")
        #expect(NumberText.short(1e20) == "1e+20")
        #expect(NumberText.short(1e-7) == "1e-07")
        #expect(NumberText.short(0.30000000000000004) == "0.30000000000000004")
        #expect(NumberText.short(0.30000000000000004, maxDecimals: 2) == "0.3")
        #expect(NumberText.short(2.999, maxDecimals: 2) == "3.0")
        #expect(NumberText.short(.nan) == "nan")
    }

    @Test func theClockNeverGoesBack() {
        var last = Monotonic.nanoseconds()
        let start = Monotonic.seconds()
        for _ in 0..<1000 {
            let now = Monotonic.nanoseconds()
            #expect(now >= last)
            last = now
        }
        usleep(2000)
        #expect(Monotonic.seconds() - start >= 0.002)
    }

    @Test func anAtomicWriteLeavesTheWholeFileOrNothing() throws {
        var template = Array("/tmp/photophore-basics-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.txt"
        try writeAtomically(Array("first\n".utf8), to: path)
        try writeAtomically(Array("second\n".utf8)[...], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.txt"])
        do {
            try writeAtomically(Array("x".utf8), to: dir + "/missing/b.txt")
            Issue.record("a write into a missing folder succeeded")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.hasPrefix("cannot write \(dir)/missing/b.txt: "))
            #expect(!error.description.contains("\n"))
        }
    }

    struct Sample: Encodable {
        var zeta = 1.0
        var alpha = 25.6
        var path = "a/b"
        var none: Int? = nil
    }

    @Test func theJSONWriterSortsKeysAndKeepsSlashes() throws {
        #expect(try JSONOutput.text(Sample()) == #"{"alpha":25.6,"path":"a/b","zeta":1}"#)
        #expect(try JSONOutput.text(Sample(), pretty: true) == "{\n  \"alpha\" : 25.6,\n  \"path\" : \"a/b\",\n  \"zeta\" : 1\n}")
        #expect(throws: (any Error).self) { try JSONOutput.text([Double.nan]) }
    }
}

import Sinks
import Testing

/// The `<video>` element of a manifest (`VideoSnippet`) and the poster's name (`Poster`).
@Suite struct SnippetTests {
    @Test func sourcesComeAV1ThenVP9ThenH264WhateverTheOrderGiven() {
        let html = VideoSnippet.html(
            sources: [.init(path: "a.mp4", format: .mp4, codec: .h264, parameter: "avc1.64001f"),
                      .init(path: "a.webm", format: .webm, codec: .vp9, parameter: "vp9"),
                      .init(path: "b.mp4", format: .mp4, codec: .av1, parameter: "av01.0.04M.08")],
            poster: "a.poster.webp", width: 1280, height: 720)
        #expect(html == """
            <video width="1280" height="720" poster="a.poster.webp" autoplay muted playsinline loop>
              <source src="b.mp4" type='video/mp4; codecs="av01.0.04M.08"'>
              <source src="a.webm" type='video/webm; codecs="vp9"'>
              <source src="a.mp4" type='video/mp4; codecs="avc1.64001f"'>
            </video>
            """)
    }

    @Test func onlyWhatWasWrittenAndPathsEscaped() {
        let html = VideoSnippet.html(sources: [.init(path: "it's <a>&\"b\".webm", format: .webm, codec: .vp9, parameter: "vp9")],
                                     poster: nil, width: 2, height: 2)
        #expect(html == """
            <video width="2" height="2" autoplay muted playsinline loop>
              <source src="it&#39;s &lt;a&gt;&amp;&quot;b&quot;.webm" type='video/webm; codecs="vp9"'>
            </video>
            """)
    }

    @Test func thePosterSitsBesideTheVideo() {
        #expect(Poster.path(for: "clip.mp4") == "clip.poster.webp")
        #expect(Poster.path(for: "out/web/clip.v2.webm") == "out/web/clip.v2.poster.webp")
        #expect(Poster.path(for: "/abs/clip") == "/abs/clip.poster.webp")
    }
}

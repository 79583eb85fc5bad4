#ifndef PHOTOPHORE_FFMPEG_LOADER_H
#define PHOTOPHORE_FFMPEG_LOADER_H
// FFmpeg is loaded on first use, not at start-up: most runs (the window, single PNGs,
// benchmarks) never encode video, and linking FFmpeg pulls in a hundred libraries and about
// 20 MB of resident memory before main. This target defines the FFmpeg functions the sinks
// call (with hidden visibility, so only this program binds to them) as forwarders to the
// libraries it opens with dlopen the first time one is called.

/// Loads FFmpeg's libraries if needed. Returns NULL when they are usable, else a message
/// naming what could not be loaded.
const char *photophore_ffmpeg_load(void);
#endif

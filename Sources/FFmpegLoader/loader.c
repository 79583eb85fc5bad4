// See FFmpegLoader.h. The library names carry the major versions of the headers this was
// built against, so the loaded ABI is the one the code was compiled for.
#include "FFmpegLoader.h"
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>

#define PP_STR2(x) #x
#define PP_STR(x) PP_STR2(x)

static void *avutil, *avcodec, *avformat;
static char failure[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *open_library(const char *name) {
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!handle && !failure[0]) {
        snprintf(failure, sizeof failure,
                 "cannot load %s (%s): install FFmpeg's libraries (tools/setup.sh installs them)", name, dlerror());
    }
    return handle;
}

static void load(void) {
    avutil = open_library("libavutil.so." PP_STR(LIBAVUTIL_VERSION_MAJOR));
    avcodec = open_library("libavcodec.so." PP_STR(LIBAVCODEC_VERSION_MAJOR));
    avformat = open_library("libavformat.so." PP_STR(LIBAVFORMAT_VERSION_MAJOR));
}

const char *photophore_ffmpeg_load(void) {
    pthread_once(&once, load);
    return avutil && avcodec && avformat ? NULL : failure;
}

// The address of `name` in `*library`, loading the libraries first; NULL if unavailable.
static void *resolve(void **library, const char *name) {
    if (photophore_ffmpeg_load()) return NULL;
    return dlsym(*library, name);
}

#define HIDDEN __attribute__((visibility("hidden")))
// A forwarder for a function returning a value; `fail` is returned when FFmpeg is missing.
// The resolved address is cached atomically (two threads may both resolve it, alike).
#define FORWARD(lib, ret, name, params, args, fail)                                      \
    HIDDEN ret name params {                                                             \
        static ret (*cached) params;                                                     \
        ret (*fn) params = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                   \
        if (!fn) {                                                                       \
            fn = (ret (*) params)resolve(&lib, #name);                                   \
            if (!fn) return fail;                                                        \
            __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);                             \
        }                                                                                \
        return fn args;                                                                  \
    }
#define FORWARD_VOID(lib, name, params, args)                                            \
    HIDDEN void name params {                                                            \
        static void (*cached) params;                                                    \
        void (*fn) params = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);                  \
        if (!fn) {                                                                       \
            fn = (void (*) params)resolve(&lib, #name);                                  \
            if (!fn) return;                                                             \
            __atomic_store_n(&cached, fn, __ATOMIC_RELEASE);                             \
        }                                                                                \
        fn args;                                                                         \
    }

#define NOSYS AVERROR(ENOSYS)

// libavutil
FORWARD(avutil, int, av_dict_set, (AVDictionary **pm, const char *key, const char *value, int flags), (pm, key, value, flags), NOSYS)
FORWARD_VOID(avutil, av_dict_free, (AVDictionary **m), (m))
FORWARD(avutil, int, av_strerror, (int errnum, char *errbuf, size_t size), (errnum, errbuf, size),
        (snprintf(errbuf, size, "%s", failure[0] ? failure : "FFmpeg is not loaded"), 0))
FORWARD_VOID(avutil, av_log_set_level, (int level), (level))
FORWARD(avutil, AVFrame *, av_frame_alloc, (void), (), NULL)
FORWARD_VOID(avutil, av_frame_free, (AVFrame **frame), (frame))
FORWARD(avutil, int, av_frame_get_buffer, (AVFrame *frame, int align), (frame, align), NOSYS)
FORWARD(avutil, int, av_frame_make_writable, (AVFrame *frame), (frame), NOSYS)

// libavcodec
FORWARD(avcodec, unsigned, avcodec_version, (void), (), 0)
FORWARD(avcodec, const AVCodec *, avcodec_find_encoder_by_name, (const char *name), (name), NULL)
FORWARD(avcodec, AVCodecContext *, avcodec_alloc_context3, (const AVCodec *codec), (codec), NULL)
FORWARD_VOID(avcodec, avcodec_free_context, (AVCodecContext **ctx), (ctx))
FORWARD(avcodec, int, avcodec_open2, (AVCodecContext *ctx, const AVCodec *codec, AVDictionary **options), (ctx, codec, options), NOSYS)
FORWARD(avcodec, int, avcodec_parameters_from_context, (AVCodecParameters *par, const AVCodecContext *codec), (par, codec), NOSYS)
FORWARD(avcodec, int, avcodec_send_frame, (AVCodecContext *ctx, const AVFrame *frame), (ctx, frame), NOSYS)
FORWARD(avcodec, int, avcodec_receive_packet, (AVCodecContext *ctx, AVPacket *pkt), (ctx, pkt), NOSYS)
FORWARD(avcodec, AVPacket *, av_packet_alloc, (void), (), NULL)
FORWARD_VOID(avcodec, av_packet_free, (AVPacket **pkt), (pkt))
FORWARD_VOID(avcodec, av_packet_unref, (AVPacket *pkt), (pkt))
FORWARD_VOID(avcodec, av_packet_rescale_ts, (AVPacket *pkt, AVRational src, AVRational dst), (pkt, src, dst))

// libavformat
FORWARD(avformat, unsigned, avformat_version, (void), (), 0)
FORWARD(avformat, int, avformat_alloc_output_context2,
        (AVFormatContext **ctx, const AVOutputFormat *oformat, const char *format_name, const char *filename),
        (ctx, oformat, format_name, filename), NOSYS)
FORWARD_VOID(avformat, avformat_free_context, (AVFormatContext *s), (s))
FORWARD(avformat, AVStream *, avformat_new_stream, (AVFormatContext *s, const AVCodec *c), (s, c), NULL)
FORWARD(avformat, int, avio_open, (AVIOContext **s, const char *url, int flags), (s, url, flags), NOSYS)
FORWARD(avformat, int, avio_closep, (AVIOContext **s), (s), NOSYS)
FORWARD(avformat, int, avformat_write_header, (AVFormatContext *s, AVDictionary **options), (s, options), NOSYS)
FORWARD(avformat, int, av_interleaved_write_frame, (AVFormatContext *s, AVPacket *pkt), (s, pkt), NOSYS)
FORWARD(avformat, int, av_write_trailer, (AVFormatContext *s), (s), NOSYS)

#ifndef PHOTOPHORE_CFFMPEG_SHIM_H
#define PHOTOPHORE_CFFMPEG_SHIM_H
// FFmpeg's headers only: the program does not link FFmpeg. The functions the sinks call are
// defined by the FFmpegLoader target, which loads the libraries on first use.
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#endif

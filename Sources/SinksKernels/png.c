// PNG encoding. `small`: libpng's full API at its default settings (everything that can
// longjmp, libpng's error handler, stays inside this file). `fast`: the Up filter and one
// zlib stream from libdeflate at level 1, about twice as fast as zlib's fastest level, in the
// few chunks a PNG needs (signature, IHDR, sRGB, IDAT, IEND), each with its CRC from libdeflate.
#include "SinksKernels.h"
#include <libdeflate.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *data;
    size_t size, capacity;
    int out_of_memory;
    char *error;
    size_t error_size;
} png_sink;

static void sink_write(png_structp png, png_bytep bytes, png_size_t n) {
    png_sink *s = png_get_io_ptr(png);
    if (s->size + n > s->capacity) {
        size_t capacity = s->capacity * 2 > s->size + n ? s->capacity * 2 : s->size + n;
        uint8_t *grown = realloc(s->data, capacity);
        if (!grown) {
            s->out_of_memory = 1;
            png_error(png, "out of memory");
        }
        s->data = grown;
        s->capacity = capacity;
    }
    memcpy(s->data + s->size, bytes, n);
    s->size += n;
}

static void sink_flush(png_structp png) { (void)png; }

static void on_error(png_structp png, png_const_charp message) {
    png_sink *s = png_get_error_ptr(png);
    if (s->error_size > 0) {
        strncpy(s->error, message, s->error_size - 1);
        s->error[s->error_size - 1] = 0;
    }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static int encode_small(const uint8_t *rgba, int width, int height, size_t row_bytes, int keep_alpha,
                        uint8_t **out, size_t *out_size, char *error, size_t error_size) {
    png_sink sink = {0};
    sink.error = error;
    sink.error_size = error_size;
    // A first guess at the size: a fast encode of a rendered frame is about a third of the raw bytes.
    sink.capacity = (size_t)width * (size_t)height + 4096;
    sink.data = malloc(sink.capacity);
    if (!sink.data) {
        strncpy(error, "out of memory", error_size);
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        free(sink.data);
        strncpy(error, "out of memory", error_size);
        return -1;
    }
    // `sink` is only changed through its address, so it is intact after a longjmp.
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(sink.data);
        return -1;
    }
    png_set_write_fn(png, &sink, sink_write, sink_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, keep_alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // Tagged sRGB (perceptual intent), as libpng's simplified API does: the same file as it writes.
    png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_set_compression_level(png, 6);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_ALL_FILTERS);
    png_write_info(png, info);
    // RGB from RGBA rows: libpng drops the fourth byte of each pixel as it reads a row.
    if (!keep_alpha) png_set_filler(png, 0, PNG_FILLER_AFTER);
    for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgba + (size_t)y * row_bytes));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *out = sink.data;
    *out_size = sink.size;
    return 0;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/// Writes a chunk's length, type and CRC around `length` bytes of data already at `chunk + 8`;
/// returns the chunk's whole size.
static size_t close_chunk(uint8_t *chunk, const char type[4], size_t length) {
    put32(chunk, (uint32_t)length);
    memcpy(chunk + 4, type, 4);
    put32(chunk + 8 + length, libdeflate_crc32(0, chunk + 4, length + 4));
    return length + 12;
}

static int encode_fast(const uint8_t *rgba, int width, int height, size_t row_bytes, int keep_alpha,
                       uint8_t **out, size_t *out_size, char *error, size_t error_size) {
    const size_t channels = keep_alpha ? 4 : 3;
    const size_t line = (size_t)width * channels + 1;
    const size_t raw_size = line * (size_t)height;
    if (raw_size > (size_t)0x7fffffff) {
        strncpy(error, "the image is too large for one PNG data chunk", error_size);
        return -1;
    }
    uint8_t *filtered = malloc(raw_size);
    struct libdeflate_compressor *compressor = libdeflate_alloc_compressor(1);
    size_t bound = compressor ? libdeflate_zlib_compress_bound(compressor, raw_size) : 0;
    // Signature, IHDR (25 bytes), sRGB (13), IDAT (12 + data), IEND (12).
    uint8_t *file = bound ? malloc(8 + 25 + 13 + 12 + bound + 12) : NULL;
    if (!filtered || !compressor || !file) {
        free(filtered);
        free(file);
        if (compressor) libdeflate_free_compressor(compressor);
        strncpy(error, "out of memory", error_size);
        return -1;
    }
    // Each row: filter type 2 (Up), then each byte minus the byte above it (0 above row 0).
    for (int y = 0; y < height; y++) {
        const uint8_t *row = rgba + (size_t)y * row_bytes;
        const uint8_t *above = y > 0 ? row - row_bytes : NULL;
        uint8_t *dst = filtered + (size_t)y * line;
        dst[0] = 2;
        dst++;
        if (keep_alpha) {
            if (above) for (int i = 0; i < width * 4; i++) dst[i] = (uint8_t)(row[i] - above[i]);
            else memcpy(dst, row, (size_t)width * 4);
        } else if (above) {
            for (int x = 0; x < width; x++)
                for (int k = 0; k < 3; k++) dst[x * 3 + k] = (uint8_t)(row[x * 4 + k] - above[x * 4 + k]);
        } else {
            for (int x = 0; x < width; x++)
                for (int k = 0; k < 3; k++) dst[x * 3 + k] = row[x * 4 + k];
        }
    }
    static const uint8_t signature[8] = {137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};
    uint8_t *p = file;
    memcpy(p, signature, 8);
    p += 8;
    uint8_t *ihdr = p + 8;
    put32(ihdr, (uint32_t)width);
    put32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;                       // bit depth
    ihdr[9] = keep_alpha ? 6 : 2;      // colour type: RGBA or RGB
    ihdr[10] = ihdr[11] = ihdr[12] = 0; // deflate, adaptive filtering, no interlace
    p += close_chunk(p, "IHDR", 13);
    p[8] = 0; // sRGB, perceptual intent: the pixels are sRGB-encoded
    p += close_chunk(p, "sRGB", 1);
    size_t compressed = libdeflate_zlib_compress(compressor, filtered, raw_size, p + 8, bound);
    libdeflate_free_compressor(compressor);
    free(filtered);
    if (compressed == 0) {
        free(file);
        strncpy(error, "the compressor ran out of room", error_size);
        return -1;
    }
    p += close_chunk(p, "IDAT", compressed);
    p += close_chunk(p, "IEND", 0);
    *out = file;
    *out_size = (size_t)(p - file);
    return 0;
}

int photophore_png_encode(const uint8_t *rgba, int width, int height, size_t row_bytes, int keep_alpha,
                          int compression, uint8_t **out, size_t *out_size, char *error, size_t error_size) {
    if (error_size > 0) error[0] = 0;
    if (width <= 0 || height <= 0) {
        strncpy(error, "the image is empty", error_size);
        return -1;
    }
    return compression == PHOTOPHORE_PNG_FAST
        ? encode_fast(rgba, width, height, row_bytes, keep_alpha, out, out_size, error, error_size)
        : encode_small(rgba, width, height, row_bytes, keep_alpha, out, out_size, error, error_size);
}

#ifndef PHOTOPHORE_SINKS_KERNELS_H
#define PHOTOPHORE_SINKS_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/// RGBA8 rows `[row_begin, row_end)` (even, `width * 4` bytes a row) to YUV 4:2:0, BT.709
/// limited range in 1/32768 fixed point; chroma is the mean of each 2x2 block. The same
/// arithmetic as `YUV420.convertScalar` in Swift, which the tests hold it to.
void photophore_rgba_to_yuv420(const uint8_t *rgba, int width, int row_begin, int row_end,
                               uint8_t *y, ptrdiff_t y_stride, uint8_t *u, ptrdiff_t u_stride,
                               uint8_t *v, ptrdiff_t v_stride);

/// How a PNG is compressed: the Up filter and libdeflate's level 1 (about 15x faster than
/// libpng's defaults, for files about 1.1x to 1.15x larger), or libpng's defaults (zlib level
/// 6, adaptive filters).
enum photophore_png_compression { PHOTOPHORE_PNG_FAST = 0, PHOTOPHORE_PNG_SMALL = 1 };

/// Encodes 8-bit RGBA rows (`row_bytes` apart) as a PNG file's bytes: RGBA with `keep_alpha`,
/// else RGB (the alpha byte dropped). On success returns 0 and a buffer from malloc in `*out`
/// (free it with free()); on failure returns -1 and writes libpng's message into `error`.
/// libpng's errors longjmp only within this function, never through the caller's frames.
int photophore_png_encode(const uint8_t *rgba, int width, int height, size_t row_bytes, int keep_alpha,
                          int compression, uint8_t **out, size_t *out_size, char *error, size_t error_size);

/// The rendition downscaler's vertical pass: `count` values (bytes of RGBA rows) summed over
/// `taps` rows with integer weights (4096 in all), as 15-bit values: (Σ w·v + 16) >> 5.
void photophore_rescale_vertical(const uint8_t *const *rows, const int32_t *weights, int taps, int count, int16_t *out);

/// Its horizontal pass: `width` RGBA outputs from a vertically filtered row of 15-bit RGBA
/// values, output x reading `2 * pair_count` consecutive pixels from pixel `first[x]` (the
/// row's edges repeated outwards by the caller), weights in pairs of taps, each pair repeated
/// for R, G, B and A: w0 w1 w0 w1 w0 w1 w0 w1. Rounded to 8 bits; alpha 255, or with `alpha`
/// the colour (premultiplied) divided back by the alpha.
void photophore_rescale_horizontal(const int16_t *column, const int32_t *first, const int16_t *pairs, int pair_count,
                                   int width, int alpha, uint8_t *out);
#endif

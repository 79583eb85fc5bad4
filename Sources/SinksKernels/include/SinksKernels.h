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
#endif

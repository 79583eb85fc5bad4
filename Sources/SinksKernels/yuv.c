#include "SinksKernels.h"

enum {
    YR = 5983, YG = 20127, YB = 2032, Y_OFFSET = (16 << 15) + (1 << 14),
    CBR = -3298, CBG = -11094, CBB = 14392,
    CRR = 14392, CRG = -13073, CRB = -1319, C_OFFSET = (128 << 17) + (1 << 16),
};

// Plain loops over one row pair; clang vectorizes them (AVX2 in release builds).
static void luma_row(const uint8_t *restrict src, uint8_t *restrict dst, int width) {
    for (int x = 0; x < width; x++) {
        int32_t r = src[x * 4], g = src[x * 4 + 1], b = src[x * 4 + 2];
        dst[x] = (uint8_t)((r * YR + g * YG + b * YB + Y_OFFSET) >> 15);
    }
}

static void chroma_row(const uint8_t *restrict s0, const uint8_t *restrict s1, uint8_t *restrict u,
                       uint8_t *restrict v, int half) {
    for (int i = 0; i < half; i++) {
        const uint8_t *a = s0 + i * 8, *b = s1 + i * 8;
        int32_t r = a[0] + a[4] + b[0] + b[4];
        int32_t g = a[1] + a[5] + b[1] + b[5];
        int32_t bl = a[2] + a[6] + b[2] + b[6];
        u[i] = (uint8_t)((r * CBR + g * CBG + bl * CBB + C_OFFSET) >> 17);
        v[i] = (uint8_t)((r * CRR + g * CRG + bl * CRB + C_OFFSET) >> 17);
    }
}

void photophore_rgba_to_yuv420(const uint8_t *rgba, int width, int row_begin, int row_end,
                               uint8_t *y, ptrdiff_t y_stride, uint8_t *u, ptrdiff_t u_stride,
                               uint8_t *v, ptrdiff_t v_stride) {
    const ptrdiff_t row_bytes = (ptrdiff_t)width * 4;
    for (int row = row_begin; row < row_end; row += 2) {
        const uint8_t *s0 = rgba + row * row_bytes, *s1 = s0 + row_bytes;
        luma_row(s0, y + row * y_stride, width);
        luma_row(s1, y + (row + 1) * y_stride, width);
        chroma_row(s0, s1, u + (row / 2) * u_stride, v + (row / 2) * v_stride, width / 2);
    }
}

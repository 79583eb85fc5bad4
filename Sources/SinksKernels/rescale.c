#include "SinksKernels.h"
#include <string.h>
#if defined(__SSSE3__)
#include <immintrin.h>
#endif

// The rendition downscaler's two passes (Sinks/Rescale.swift computes the weights). Integer
// arithmetic only: the SSSE3 path and the plain one give the same bytes.

void photophore_rescale_vertical(const uint8_t *const *rows, const int32_t *weights, int taps, int count, int16_t *out) {
    enum { BLOCK = 256 };
    int32_t acc[BLOCK];
    for (int i = 0; i < count; i += BLOCK) {
        const int n = count - i < BLOCK ? count - i : BLOCK;
        for (int j = 0; j < n; j++) acc[j] = 16;
        for (int k = 0; k < taps; k++) {
            const uint8_t *restrict src = rows[k] + i;
            const int32_t w = weights[k];
            for (int j = 0; j < n; j++) acc[j] += w * src[j];
        }
        for (int j = 0; j < n; j++) out[i + j] = (int16_t)(acc[j] >> 5);
    }
}

static inline uint8_t clamp255(int32_t v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

void photophore_rescale_horizontal(const int16_t *column, const int32_t *first, const int16_t *pairs, int pair_count,
                                   int width, int alpha, uint8_t *out) {
    for (int x = 0; x < width; x++) {
        const int16_t *p = column + (ptrdiff_t)first[x] * 4;
        const int16_t *w = pairs + (ptrdiff_t)x * pair_count * 8;
        int32_t sum[4];
#if defined(__SSSE3__)
        // Two pixels (8 values) a step: interleaved by tap, R0 R1 G0 G1 B0 B1 A0 A1, then one
        // multiply-add with the weights w0 w1 w0 w1 … gives R, G, B, A for both taps.
        const __m128i order = _mm_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15);
        __m128i acc = _mm_setzero_si128();
        for (int g = 0; g < pair_count; g++) {
            __m128i v = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + g * 8)), order);
            acc = _mm_add_epi32(acc, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(w + g * 8))));
        }
        if (!alpha) {
            // Round, shift, saturate to 8 bits, alpha 255: four bytes.
            __m128i v = _mm_srai_epi32(_mm_add_epi32(acc, _mm_set1_epi32(1 << 18)), 19);
            v = _mm_packus_epi16(_mm_packs_epi32(v, v), v);
            const int32_t rgba = (_mm_cvtsi128_si32(v) & 0x00ffffff) | (int32_t)0xff000000;
            memcpy(out + (ptrdiff_t)x * 4, &rgba, 4);
            continue;
        }
        _mm_storeu_si128((__m128i *)sum, acc);
#else
        sum[0] = sum[1] = sum[2] = sum[3] = 0;
        for (int g = 0; g < pair_count; g++) {
            for (int c = 0; c < 4; c++) sum[c] += p[g * 8 + c] * w[g * 8 + 2 * c] + p[g * 8 + 4 + c] * w[g * 8 + 2 * c + 1];
        }
#endif
        // Weights 4096 × 4096 over 32: the result is the value × 2^19.
        uint8_t *o = out + (ptrdiff_t)x * 4;
        int32_t c[4];
        for (int i = 0; i < 4; i++) c[i] = clamp255((sum[i] + (1 << 18)) >> 19);
        if (alpha) {
            const int32_t a = c[3];
            for (int i = 0; i < 3; i++) o[i] = a == 0 ? 0 : clamp255((c[i] * 255 + a / 2) / a);
            o[3] = (uint8_t)a;
        } else {
            o[0] = (uint8_t)c[0]; o[1] = (uint8_t)c[1]; o[2] = (uint8_t)c[2]; o[3] = 255;
        }
    }
}

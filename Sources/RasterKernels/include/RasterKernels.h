#ifndef PHOTOPHORE_RASTER_KERNELS_H
#define PHOTOPHORE_RASTER_KERNELS_H
// Small SIMD helpers for the rasterizer's hot loops.
//
// Swift's generic SIMD operations min/max/floor/conversion are out-of-line or per-lane calls.
// clang's ext_vector_type imports into Swift as SIMD8<Float> / SIMD8<Int32>, and these
// builtins compile to one instruction each when the target has AVX2.
#include <stdint.h>

typedef float pp_float8 __attribute__((ext_vector_type(8)));
typedef int32_t pp_int8 __attribute__((ext_vector_type(8)));
typedef uint32_t pp_uint8 __attribute__((ext_vector_type(8)));

#define PP_INLINE static inline __attribute__((always_inline))

PP_INLINE pp_float8 pp_min8(pp_float8 a, pp_float8 b) { return __builtin_elementwise_min(a, b); }
PP_INLINE pp_float8 pp_max8(pp_float8 a, pp_float8 b) { return __builtin_elementwise_max(a, b); }
PP_INLINE pp_float8 pp_floor8(pp_float8 a) { return __builtin_elementwise_floor(a); }
/// Rounds to the nearest integer, ties to even (as Swift's `.toNearestOrEven`).
PP_INLINE pp_float8 pp_roundEven8(pp_float8 a) { return __builtin_elementwise_roundeven(a); }
PP_INLINE pp_float8 pp_sqrt8(pp_float8 a) { return __builtin_elementwise_sqrt(a); }
/// Clamps to [lo, hi]; NaN becomes lo.
PP_INLINE pp_float8 pp_clamp8(pp_float8 a, float lo, float hi) {
    pp_float8 l = lo, h = hi;
    return __builtin_elementwise_min(__builtin_elementwise_max(a, l), h);
}
/// Float to Int32, truncating toward zero (cvttps2dq).
PP_INLINE pp_int8 pp_toInt8(pp_float8 a) { return __builtin_convertvector(a, pp_int8); }
PP_INLINE pp_float8 pp_toFloat8(pp_int8 a) { return __builtin_convertvector(a, pp_float8); }
/// Lane mask (all ones) as a bit per lane, bit i = lane i.
PP_INLINE uint32_t pp_movemask8(pp_int8 m) {
    uint32_t bits = 0;
    for (int i = 0; i < 8; i++) bits |= ((uint32_t)(m[i] < 0)) << i;
    return bits;
}

// ---- Masks: an int8 lane is -1 (true) or 0 (false). ----
PP_INLINE pp_int8 pp_lt8(pp_float8 a, pp_float8 b) { return a < b; }
PP_INLINE pp_int8 pp_le8(pp_float8 a, pp_float8 b) { return a <= b; }
/// mask ? a : b, lane by lane.
PP_INLINE pp_float8 pp_select8(pp_int8 mask, pp_float8 a, pp_float8 b) {
    return (pp_float8)(((pp_int8)a & mask) | ((pp_int8)b & ~mask));
}
/// One bit per lane, set where the lane is negative (its sign bit): -1 masks count as set.
PP_INLINE uint32_t pp_signbits8(pp_int8 m) {
#if defined(__AVX__)
    return (uint32_t)__builtin_ia32_movmskps256((pp_float8)m);
#else
    return pp_movemask8(m);
#endif
}
/// Hints the CPU to fetch a cache line that the next loop iteration will read.
PP_INLINE void pp_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
/// The largest lane.
PP_INLINE float pp_hmax8(pp_float8 a) {
    pp_float8 b = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3));
    b = __builtin_elementwise_max(b, __builtin_shufflevector(b, b, 2, 3, 0, 1, 6, 7, 4, 5));
    b = __builtin_elementwise_max(b, __builtin_shufflevector(b, b, 1, 0, 3, 2, 5, 4, 7, 6));
    return b[0];
}
// ---- Lane shuffles and table look-ups (post-processing: mip chains, colour encoding). ----
/// The even lanes of the 16 floats a:b (lanes 0, 2, … 14).
PP_INLINE pp_float8 pp_even8(pp_float8 a, pp_float8 b) {
    return __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
}
/// The odd lanes of the 16 floats a:b (lanes 1, 3, … 15).
PP_INLINE pp_float8 pp_odd8(pp_float8 a, pp_float8 b) {
    return __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
}
/// The first half of a and b interleaved: a0 b0 a1 b1 a2 b2 a3 b3.
PP_INLINE pp_float8 pp_zipLo8(pp_float8 a, pp_float8 b) {
    return __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}
/// The second half of a and b interleaved: a4 b4 a5 b5 a6 b6 a7 b7.
PP_INLINE pp_float8 pp_zipHi8(pp_float8 a, pp_float8 b) {
    return __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}
/// table[idx & 7] per lane: an 8-entry table held in a register (vpermps).
PP_INLINE pp_float8 pp_permute8(pp_float8 table, pp_int8 idx) {
#if defined(__AVX2__)
    return __builtin_ia32_permvarsf256(table, idx);
#else
    pp_float8 r;
    for (int i = 0; i < 8; i++) r[i] = table[idx[i] & 7];
    return r;
#endif
}
/// base[idx] per lane; every index must be in range.
PP_INLINE pp_float8 pp_gather8(const float *base, pp_int8 idx) {
#if defined(__AVX2__)
    return __builtin_ia32_gatherd_ps256((pp_float8)0.0f, base, idx, (pp_float8)(pp_int8)-1, 4);
#else
    pp_float8 r;
    for (int i = 0; i < 8; i++) r[i] = base[idx[i]];
    return r;
#endif
}
// ---- Sixteen lanes (post-processing rows): one 512-bit instruction each on x86-64-v4,
// two 256-bit ones on x86-64-v3. ----
typedef float pp_float16 __attribute__((ext_vector_type(16)));
typedef int32_t pp_int16 __attribute__((ext_vector_type(16)));

PP_INLINE pp_float16 pp_floor16(pp_float16 a) { return __builtin_elementwise_floor(a); }
/// Clamps to [lo, hi]; NaN becomes lo.
PP_INLINE pp_float16 pp_clamp16(pp_float16 a, float lo, float hi) {
    pp_float16 l = lo, h = hi;
    return __builtin_elementwise_min(__builtin_elementwise_max(a, l), h);
}
/// Float to Int32, truncating toward zero.
PP_INLINE pp_int16 pp_toInt16(pp_float16 a) { return __builtin_convertvector(a, pp_int16); }
PP_INLINE pp_float16 pp_toFloat16(pp_int16 a) { return __builtin_convertvector(a, pp_float16); }
PP_INLINE pp_int16 pp_lt16(pp_float16 a, pp_float16 b) { return a < b; }
/// mask ? a : b, lane by lane (an int16 mask lane is -1 or 0).
PP_INLINE pp_float16 pp_select16(pp_int16 mask, pp_float16 a, pp_float16 b) {
    return (pp_float16)(((pp_int16)a & mask) | ((pp_int16)b & ~mask));
}
PP_INLINE pp_float16 pp_max16(pp_float16 a, pp_float16 b) { return __builtin_elementwise_max(a, b); }
PP_INLINE pp_float16 pp_min16(pp_float16 a, pp_float16 b) { return __builtin_elementwise_min(a, b); }
PP_INLINE pp_float16 pp_sqrt16(pp_float16 a) { return __builtin_elementwise_sqrt(a); }
/// -1 where a and b differ (a NaN differs from nothing), else 0.
PP_INLINE pp_int16 pp_ne16(pp_float16 a, pp_float16 b) { return (a < b) | (b < a); }
/// Whether any lane of the mask is set.
PP_INLINE int pp_any16(pp_int16 m) { return __builtin_reduce_or(m) != 0; }
/// The even lanes of the 32 floats a:b.
PP_INLINE pp_float16 pp_even16(pp_float16 a, pp_float16 b) {
    return __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}
/// The odd lanes of the 32 floats a:b.
PP_INLINE pp_float16 pp_odd16(pp_float16 a, pp_float16 b) {
    return __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}
/// The first halves of a and b interleaved: a0 b0 a1 b1 … a7 b7.
PP_INLINE pp_float16 pp_zipLo16(pp_float16 a, pp_float16 b) {
    return __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}
/// The second halves of a and b interleaved: a8 b8 … a15 b15.
PP_INLINE pp_float16 pp_zipHi16(pp_float16 a, pp_float16 b) {
    return __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}
/// table[idx & 7] per lane, from an 8-entry table in a register.
PP_INLINE pp_float16 pp_permute16(pp_float8 table, pp_int16 idx) {
#if defined(__AVX512F__)
    pp_float16 wide = __builtin_shufflevector(table, table, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
    return __builtin_ia32_permvarsf512(wide, idx & 7);
#else
    pp_int8 lo = __builtin_shufflevector(idx, idx, 0, 1, 2, 3, 4, 5, 6, 7);
    pp_int8 hi = __builtin_shufflevector(idx, idx, 8, 9, 10, 11, 12, 13, 14, 15);
    pp_float8 a = pp_permute8(table, lo), b = pp_permute8(table, hi);
    return __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#endif
}
// ---- Half floats: the render target's colour planes (see `RenderTarget`). ----
// IEEE binary16, rounded to nearest even: one instruction per 8 or 16 lanes where the target
// has F16C (x86-64-v3 and up), the same values from the compiler's runtime routines elsewhere.
typedef _Float16 pp_halves8 __attribute__((ext_vector_type(8)));
typedef _Float16 pp_halves16 __attribute__((ext_vector_type(16)));

PP_INLINE pp_float8 pp_loadHalf8(const uint16_t *p) {
    pp_halves8 h;
    __builtin_memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, pp_float8);
}
PP_INLINE void pp_storeHalf8(pp_float8 v, uint16_t *p) {
    pp_halves8 h = __builtin_convertvector(v, pp_halves8);
    __builtin_memcpy(p, &h, sizeof h);
}
PP_INLINE pp_float16 pp_loadHalf16(const uint16_t *p) {
    pp_halves16 h;
    __builtin_memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, pp_float16);
}
PP_INLINE void pp_storeHalf16(pp_float16 v, uint16_t *p) {
    pp_halves16 h = __builtin_convertvector(v, pp_halves16);
    __builtin_memcpy(p, &h, sizeof h);
}
/// Converts `count` floats (a multiple of 16) to halves.
PP_INLINE void pp_storeHalves(const float *src, uint16_t *dst, int count) {
    for (int i = 0; i < count; i += 16) {
        pp_float16 v;
        __builtin_memcpy(&v, src + i, sizeof v);
        pp_storeHalf16(v, dst + i);
    }
}
#endif

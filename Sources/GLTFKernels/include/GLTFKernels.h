#ifndef PHOTOPHORE_GLTF_KERNELS_H
#define PHOTOPHORE_GLTF_KERNELS_H
#include <stddef.h>

/// Decodes a JPEG file held in memory to 8-bit RGBA (alpha 255), through libjpeg. libjpeg
/// reports errors with longjmp, which must not cross Swift frames: the jump lands in this C
/// function, which returns non-zero with the reason in `message` instead. Warnings (corrupt
/// data that libjpeg would paper over with grey) are errors too. Refuses, before allocating,
/// a width or height over `max_dimension`, more than `max_pixels` pixels, and a progressive
/// file of more than 1000 scans. On success `*out` holds width * height * 4 bytes from
/// malloc, which the caller frees.
int photophore_jpeg_decode(const unsigned char *data, size_t size, int max_dimension, long long max_pixels,
                           unsigned char **out, int *width, int *height, char *message, size_t capacity);
#endif

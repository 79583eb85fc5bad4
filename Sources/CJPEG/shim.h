#ifndef PHOTOPHORE_CJPEG_SHIM_H
#define PHOTOPHORE_CJPEG_SHIM_H
// libjpeg (Debian's libjpeg-turbo). jpeglib.h needs FILE and size_t declared first.
// Swift never calls it directly: its errors longjmp, so GLTFKernels wraps it in C.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#endif

#ifndef PHOTOPHORE_CPNG_SHIM_H
#define PHOTOPHORE_CPNG_SHIM_H
// Only libpng's simplified API (png_image_*) is used: its error path does not
// longjmp through Swift frames.
#include <png.h>
#endif

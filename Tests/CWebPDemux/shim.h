// libwebp's animation decoder (libwebp-dev), for the tests only: FFmpeg's WebP decoder reads
// still images, not animations, so the tests decode what `render -o out.webp` wrote with it.
#include <webp/demux.h>

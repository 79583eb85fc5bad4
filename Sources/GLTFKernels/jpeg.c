#include "GLTFKernels.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

struct failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
    size_t capacity;
};

static void fail_with(j_common_ptr info, const char *text) {
    struct failure *f = (struct failure *)info->err;
    if (f->capacity > 0) {
        snprintf(f->message, f->capacity, "%s", text);
    }
    longjmp(f->jump, 1);
}

static void on_error(j_common_ptr info) {
    char text[JMSG_LENGTH_MAX];
    info->err->format_message(info, text);
    fail_with(info, text);
}

// Level -1 is a warning about damaged data; higher levels are trace messages.
static void on_message(j_common_ptr info, int level) {
    if (level < 0) {
        on_error(info);
    }
}

static void on_progress(j_common_ptr info) {
    j_decompress_ptr d = (j_decompress_ptr)info;
    if (d->input_scan_number > 1000) {
        fail_with(info, "more than 1000 scans; the file is damaged or hostile");
    }
}

int photophore_jpeg_decode(const unsigned char *data, size_t size, int max_dimension, long long max_pixels,
                           unsigned char **out, int *width, int *height, char *message, size_t capacity) {
    struct jpeg_decompress_struct info;
    struct failure f;
    struct jpeg_progress_mgr progress;
    unsigned char *volatile pixels = NULL;
    memset(&info, 0, sizeof info);
    info.err = jpeg_std_error(&f.manager);
    f.manager.error_exit = on_error;
    f.manager.emit_message = on_message;
    f.message = message;
    f.capacity = capacity;
    if (capacity > 0) {
        message[0] = 0;
    }
    *out = NULL;
    if (setjmp(f.jump)) {
        free(pixels);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    jpeg_create_decompress(&info);
    progress.progress_monitor = on_progress;
    info.progress = &progress;
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    long long w = info.image_width, h = info.image_height;
    if (w < 1 || h < 1 || w > max_dimension || h > max_dimension || w * h > max_pixels) {
        snprintf(message, capacity, "its header says %lldx%lld pixels, more than %d a side or %lld in all that this reader takes",
                 w, h, max_dimension, max_pixels);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    info.out_color_space = JCS_EXT_RGBA;
    jpeg_start_decompress(&info);
    if ((long long)info.output_width != w || (long long)info.output_height != h || info.output_components != 4) {
        snprintf(message, capacity, "libjpeg could not convert it to RGBA");
        jpeg_destroy_decompress(&info);
        return 1;
    }
    pixels = malloc((size_t)(w * h * 4));
    if (pixels == NULL) {
        snprintf(message, capacity, "out of memory for %lldx%lld pixels", w, h);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * (size_t)w * 4;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    *out = pixels;
    *width = (int)w;
    *height = (int)h;
    return 0;
}

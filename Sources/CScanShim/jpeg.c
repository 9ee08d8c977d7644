#include "CScanShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

// An error manager that longjmps out instead of exiting the process, keeps the message,
// and notices the one warning that matters to us: data that ends too early.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    int truncated;
    char *message;
    size_t messageLength;
} CScanShimJPEGError;

static void CScanShim_errorExit(j_common_ptr cinfo) {
    CScanShimJPEGError *err = (CScanShimJPEGError *)cinfo->err;
    if (err->message && err->messageLength > 0) {
        char buffer[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, buffer);
        snprintf(err->message, err->messageLength, "%s", buffer);
    }
    longjmp(err->escape, 1);
}

static void CScanShim_emitMessage(j_common_ptr cinfo, int level) {
    CScanShimJPEGError *err = (CScanShimJPEGError *)cinfo->err;
    if (level < 0) {
        err->base.num_warnings++;
        if (err->base.msg_code == JWRN_JPEG_EOF) {
            err->truncated = 1;
            if (err->message && err->messageLength > 0) {
                snprintf(err->message, err->messageLength, "the JPEG data ends before the image does");
            }
        }
    }
    // Never print: diagnostics belong to the caller.
}

static void CScanShim_installErrors(struct jpeg_common_struct *cinfo, CScanShimJPEGError *err,
                                    char *message, size_t messageLength) {
    memset(err, 0, sizeof(*err));
    cinfo->err = jpeg_std_error(&err->base);
    err->base.error_exit = CScanShim_errorExit;
    err->base.emit_message = CScanShim_emitMessage;
    err->message = message;
    err->messageLength = messageLength;
    if (message && messageLength > 0) message[0] = 0;
}

// EXIF orientation from an APP1 marker: "Exif\0\0" + TIFF header + IFD0, tag 0x0112.
static int CScanShim_exifOrientation(struct jpeg_decompress_struct *cinfo) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1 || m->data_length < 14) continue;
        const uint8_t *d = m->data;
        if (memcmp(d, "Exif\0\0", 6) != 0) continue;
        const uint8_t *t = d + 6;
        size_t n = m->data_length - 6;
        int little = (t[0] == 'I' && t[1] == 'I');
        if (!little && !(t[0] == 'M' && t[1] == 'M')) continue;
#define RD16(p) (little ? (uint32_t)((p)[0] | ((p)[1] << 8)) : (uint32_t)(((p)[0] << 8) | (p)[1]))
#define RD32(p) (little ? ((uint32_t)(p)[0] | ((uint32_t)(p)[1] << 8) | ((uint32_t)(p)[2] << 16) | ((uint32_t)(p)[3] << 24)) \
                        : (((uint32_t)(p)[0] << 24) | ((uint32_t)(p)[1] << 16) | ((uint32_t)(p)[2] << 8) | (uint32_t)(p)[3]))
        uint32_t ifd = RD32(t + 4);
        if (ifd + 2 > n) continue;
        uint32_t count = RD16(t + ifd);
        for (uint32_t i = 0; i < count; i++) {
            size_t e = ifd + 2 + 12 * (size_t)i;
            if (e + 12 > n) break;
            if (RD16(t + e) == 0x0112) {
                uint32_t v = RD16(t + e + 8);
                return (v >= 1 && v <= 8) ? (int)v : 0;
            }
        }
#undef RD16
#undef RD32
    }
    return 0;
}

int CScanShim_jpegInfo(const uint8_t *data, size_t length, int *width, int *height,
                       int *orientation, char *message, size_t messageLength) {
    struct jpeg_decompress_struct cinfo;
    CScanShimJPEGError err;
    CScanShim_installErrors((struct jpeg_common_struct *)&cinfo, &err, message, messageLength);
    if (setjmp(err.escape)) {
        jpeg_destroy_decompress(&cinfo);
        return err.truncated ? CScanShim_TRUNCATED : CScanShim_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *orientation = CScanShim_exifOrientation(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return err.truncated ? CScanShim_TRUNCATED : CScanShim_OK;
}

int CScanShim_decodeJPEGGray(const uint8_t *data, size_t length, int scaleDenominator,
                             uint64_t maxPixels, uint8_t **pixels, int *width, int *height,
                             char *message, size_t messageLength) {
    struct jpeg_decompress_struct cinfo;
    CScanShimJPEGError err;
    uint8_t *volatile out = NULL;
    *pixels = NULL;
    CScanShim_installErrors((struct jpeg_common_struct *)&cinfo, &err, message, messageLength);
    if (setjmp(err.escape)) {
        jpeg_destroy_decompress(&cinfo);
        free(out);
        return err.truncated ? CScanShim_TRUNCATED : CScanShim_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_read_header(&cinfo, TRUE);
    if ((uint64_t)cinfo.image_width * (uint64_t)cinfo.image_height > maxPixels) {
        if (message && messageLength > 0) {
            snprintf(message, messageLength, "%ux%u pixels", cinfo.image_width, cinfo.image_height);
        }
        jpeg_destroy_decompress(&cinfo);
        return CScanShim_TOO_LARGE;
    }
    cinfo.out_color_space = JCS_GRAYSCALE;
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned)(scaleDenominator == 2 || scaleDenominator == 4 || scaleDenominator == 8 ? scaleDenominator : 1);
    jpeg_start_decompress(&cinfo);
    size_t w = cinfo.output_width, h = cinfo.output_height;
    out = (uint8_t *)malloc(w * h);
    if (!out) {
        if (message && messageLength > 0) snprintf(message, messageLength, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        return CScanShim_ERROR;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * w;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
        if (err.truncated) break;
    }
    int truncated = err.truncated;
    if (!truncated) jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (truncated || err.truncated) {
        free(out);
        return CScanShim_TRUNCATED;
    }
    *pixels = out;
    *width = (int)w;
    *height = (int)h;
    return CScanShim_OK;
}

int CScanShim_encodeJPEG(const uint8_t *pixels, int width, int height, int components,
                         int quality, uint8_t **output, size_t *outputLength,
                         char *message, size_t messageLength) {
    struct jpeg_compress_struct cinfo;
    CScanShimJPEGError err;
    // libjpeg writes `mem` through its address, so it lives in memory and is valid after longjmp.
    unsigned char *mem = NULL;
    unsigned long size = 0;
    *output = NULL;
    *outputLength = 0;
    CScanShim_installErrors((struct jpeg_common_struct *)&cinfo, &err, message, messageLength);
    if (setjmp(err.escape)) {
        jpeg_destroy_compress(&cinfo);
        free(mem);
        return CScanShim_ERROR;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &mem, &size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * (size_t)components);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *output = mem;
    *outputLength = size;
    return CScanShim_OK;
}

void CScanShim_free(void *pointer) { free(pointer); }

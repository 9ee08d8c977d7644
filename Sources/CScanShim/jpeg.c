#include "CScanShim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

// An error manager that longjmps out instead of exiting the process, keeps the message, and
// sorts what libjpeg says into what the caller must know: the data ended too early
// (truncated), the file is a valid JPEG of a kind we do not decode (unsupported), or the
// decoder met corrupt data and carried on regardless (damaged: its pixels are made up).
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    int truncated;
    int unsupported;
    int damaged;
    int stopOnDamage;  // longjmp out at the first damage warning (when decoding pixels)
    char *message;
    size_t messageLength;
} CScanShimJPEGError;

static void CScanShim_keepMessage(j_common_ptr cinfo, CScanShimJPEGError *err) {
    if (err->message && err->messageLength > 0) {
        char buffer[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, buffer);
        snprintf(err->message, err->messageLength, "%s", buffer);
    }
}

static void CScanShim_errorExit(j_common_ptr cinfo) {
    CScanShimJPEGError *err = (CScanShimJPEGError *)cinfo->err;
    switch (err->base.msg_code) {
    case JERR_SOF_UNSUPPORTED:      // lossless, hierarchical, differential processes
    case JERR_BAD_PRECISION:        // 12-bit (or 16-bit) samples
    case JERR_ARITH_NOTIMPL:
    case JERR_NOT_COMPILED:
    case JERR_NOTIMPL:
    case JERR_CONVERSION_NOTIMPL:   // 2 or more than 4 components: no gray from them
        err->unsupported = 1;
        break;
    default:
        break;
    }
    if (!err->truncated && !err->damaged) CScanShim_keepMessage(cinfo, err);
    longjmp(err->escape, 1);
}

static void CScanShim_emitMessage(j_common_ptr cinfo, int level) {
    CScanShimJPEGError *err = (CScanShimJPEGError *)cinfo->err;
    if (level >= 0) return;  // trace messages; never printed: diagnostics belong to the caller
    err->base.num_warnings++;
    switch (err->base.msg_code) {
    case JWRN_JPEG_EOF:
        // The source manager ran out of data and made up an end of image.
        if (!err->truncated && !err->damaged && err->message && err->messageLength > 0) {
            snprintf(err->message, err->messageLength, "the JPEG data ends before the image does");
        }
        err->truncated = 1;
        return;
    case JWRN_ADOBE_XFORM:  // an unknown colour transform code: the colours guessed, not the data
    case JWRN_JFIF_MAJOR:   // a newer JFIF version number
    case JWRN_BOGUS_ICC:    // a colour profile we do not use
        return;
    default:
        // Every other warning says the entropy-coded data is corrupt (bad Huffman or arithmetic
        // code, lost restart markers, a data segment cut short, extraneous bytes, an impossible
        // progression): libjpeg fills in what it could not decode and goes on. Such pixels are
        // not the photo, so the image is damaged, never decoded as if it were fine.
        if (!err->truncated && !err->damaged) CScanShim_keepMessage(cinfo, err);
        err->damaged = 1;
        if (err->stopOnDamage && !err->truncated) longjmp(err->escape, 1);
        return;
    }
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

// The outcome code for what the error manager saw, in order of what the user can do about it.
static int CScanShim_outcome(const CScanShimJPEGError *err, int fallback) {
    if (err->truncated) return CScanShim_TRUNCATED;
    if (err->damaged) return CScanShim_DAMAGED;
    if (err->unsupported) return CScanShim_UNSUPPORTED;
    return fallback;
}

int CScanShim_exifOrientationFromAPP1(const uint8_t *d, size_t length) {
    // All arithmetic on offsets is done in 64 bits and compared as "n - offset < needed" after
    // "offset <= n", so an offset near 2^32 (or 2^64) can never wrap past the check.
    if (d == NULL || length < 14 || memcmp(d, "Exif\0\0", 6) != 0) return 0;
    const uint8_t *t = d + 6;
    const uint64_t n = (uint64_t)length - 6;
    int little;
    if (t[0] == 'I' && t[1] == 'I') little = 1;
    else if (t[0] == 'M' && t[1] == 'M') little = 0;
    else return 0;
#define RD16(p) (little ? (uint32_t)((p)[0] | ((p)[1] << 8)) : (uint32_t)(((p)[0] << 8) | (p)[1]))
#define RD32(p) (little ? ((uint32_t)(p)[0] | ((uint32_t)(p)[1] << 8) | ((uint32_t)(p)[2] << 16) | ((uint32_t)(p)[3] << 24)) \
                        : (((uint32_t)(p)[0] << 24) | ((uint32_t)(p)[1] << 16) | ((uint32_t)(p)[2] << 8) | (uint32_t)(p)[3]))
    const uint64_t ifd = RD32(t + 4);
    if (ifd > n || n - ifd < 2) return 0;
    const uint64_t count = RD16(t + ifd);
    for (uint64_t i = 0; i < count; i++) {
        const uint64_t e = ifd + 2 + 12 * i;
        if (e > n || n - e < 12) break;
        if (RD16(t + e) == 0x0112) {
            // Orientation is a SHORT (type 3); its value sits in the first two value bytes.
            if (RD16(t + e + 2) != 3) return 0;
            const uint32_t v = RD16(t + e + 8);
            return (v >= 1 && v <= 8) ? (int)v : 0;
        }
    }
#undef RD16
#undef RD32
    return 0;
}

// EXIF orientation from the saved APP1 markers (XMP is APP1 too: the first EXIF block wins).
static int CScanShim_exifOrientation(struct jpeg_decompress_struct *cinfo) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1) continue;
        if (m->data_length >= 6 && memcmp(m->data, "Exif\0\0", 6) == 0) {
            return CScanShim_exifOrientationFromAPP1(m->data, m->data_length);
        }
    }
    return 0;
}

int CScanShim_jpegInfo(const uint8_t *data, size_t length, int *width, int *height,
                       int *orientation, char *message, size_t messageLength) {
    struct jpeg_decompress_struct cinfo;
    CScanShimJPEGError err;
    *width = 0;
    *height = 0;
    *orientation = 0;
    CScanShim_installErrors((struct jpeg_common_struct *)&cinfo, &err, message, messageLength);
    if (setjmp(err.escape)) {
        jpeg_destroy_decompress(&cinfo);
        return CScanShim_outcome(&err, CScanShim_ERROR);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *orientation = CScanShim_exifOrientation(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return CScanShim_outcome(&err, CScanShim_OK);
}

// One row of CMYK samples (as libjpeg gives them, YCCK already turned into CMYK) to gray.
// Adobe's writers (Photoshop, and libjpeg itself, which always writes the Adobe marker for
// CMYK) store the samples inverted, 255 = no ink; a CMYK JPEG without that marker stores
// 0 = no ink. Red = (1 - C)(1 - K) and so on, then the same luma weights as libjpeg's own
// RGB-to-gray conversion.
static void CScanShim_cmykRowToGray(const uint8_t *cmyk, uint8_t *gray, size_t width, int inverted) {
    for (size_t x = 0; x < width; x++) {
        uint32_t c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        // Now 255 = no ink in every channel.
        uint32_t r = (c * k + 127) / 255, g = (m * k + 127) / 255, b = (y * k + 127) / 255;
        gray[x] = (uint8_t)((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
    }
}

int CScanShim_decodeJPEGGray(const uint8_t *data, size_t length, int scaleDenominator,
                             uint64_t maxPixels, uint8_t **pixels, int *width, int *height,
                             char *message, size_t messageLength) {
    struct jpeg_decompress_struct cinfo;
    CScanShimJPEGError err;
    uint8_t *volatile out = NULL;
    uint8_t *volatile cmykRow = NULL;
    *pixels = NULL;
    *width = 0;
    *height = 0;
    CScanShim_installErrors((struct jpeg_common_struct *)&cinfo, &err, message, messageLength);
    err.stopOnDamage = 1;
    if (setjmp(err.escape)) {
        jpeg_destroy_decompress(&cinfo);
        free(out);
        free(cmykRow);
        return CScanShim_outcome(&err, CScanShim_ERROR);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_read_header(&cinfo, TRUE);
    // Checked before anything is allocated for the pixels.
    if ((uint64_t)cinfo.image_width * (uint64_t)cinfo.image_height > maxPixels) {
        if (message && messageLength > 0) {
            snprintf(message, messageLength, "%ux%u pixels", cinfo.image_width, cinfo.image_height);
        }
        jpeg_destroy_decompress(&cinfo);
        return CScanShim_TOO_LARGE;
    }
    const int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned)(scaleDenominator == 2 || scaleDenominator == 4 || scaleDenominator == 8 ? scaleDenominator : 1);
    jpeg_start_decompress(&cinfo);
    const size_t w = cinfo.output_width, h = cinfo.output_height;
    out = (uint8_t *)malloc(w * h > 0 ? w * h : 1);
    if (cmyk) cmykRow = (uint8_t *)malloc(w * 4 > 0 ? w * 4 : 1);
    if (!out || (cmyk && !cmykRow)) {
        if (message && messageLength > 0) snprintf(message, messageLength, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        free(out);
        free(cmykRow);
        return CScanShim_ERROR;
    }
    const int inverted = cinfo.saw_Adobe_marker;
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t *target = out + (size_t)cinfo.output_scanline * w;
        JSAMPROW row = cmyk ? cmykRow : target;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
        if (err.truncated) break;
        if (cmyk) CScanShim_cmykRowToGray(cmykRow, target, w, inverted);
    }
    // Damage found while finishing (e.g. extraneous bytes before the end marker) counts too.
    if (!err.truncated && cinfo.output_scanline == cinfo.output_height) jpeg_finish_decompress(&cinfo);
    const int incomplete = cinfo.output_scanline < cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    free(cmykRow);
    int rc = CScanShim_outcome(&err, incomplete ? CScanShim_TRUNCATED : CScanShim_OK);
    if (rc != CScanShim_OK) {
        free(out);
        return rc;
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

#ifndef CSCANSHIM_H
#define CSCANSHIM_H

#include <stddef.h>
#include <stdint.h>

// The C shim of scan-c1: only what Swift cannot do itself.
//
// libjpeg reports fatal errors by calling an error_exit hook that must not return; the only
// safe way out is setjmp/longjmp, which Swift cannot express. These functions wrap every
// libjpeg call in a setjmp frame and turn errors (and a premature end of data) into a return
// code plus a message, so a truncated or corrupt JPEG becomes a Swift error, never an exit().

/// Outcome codes shared by the functions below.
enum {
    CScanShim_OK = 0,
    CScanShim_ERROR = 1,       // corrupt or unsupported data; message filled
    CScanShim_TRUNCATED = 2,   // the data ended before the image did
    CScanShim_TOO_LARGE = 3,   // width * height above the caller's limit
    CScanShim_UNSUPPORTED = 4, // a valid file of a kind we do not decode (12-bit, lossless,
                               // hierarchical, odd colour spaces); message filled
    CScanShim_DAMAGED = 5,     // the decoder warned of corrupt data (bad Huffman code, lost
                               // restart markers, …): the pixels cannot be trusted; message filled
};

/// The EXIF orientation (1-8) in the payload of an APP1 marker ("Exif\0\0" + TIFF header +
/// IFD0, tag 0x0112), or 0 when there is none or the block is malformed. Every offset is
/// checked in 64 bits against `length`, so any bytes at all are safe to pass (it is fuzzed).
/// Why in C: it is called from inside the libjpeg header reading below.
int CScanShim_exifOrientationFromAPP1(const uint8_t *data, size_t length);

/// Reads the JPEG header only. Why in C: libjpeg's error exit needs setjmp/longjmp.
/// `orientation` receives the EXIF orientation tag (1-8) or 0 when there is none.
int CScanShim_jpegInfo(const uint8_t *data, size_t length, int *width, int *height,
                       int *orientation, char *message, size_t messageLength);

/// Decodes a JPEG to 8-bit grayscale (CMYK and YCCK JPEGs are converted to gray, Adobe's
/// inverted CMYK included), optionally shrunk by 1/scaleDenominator (1, 2, 4 or 8)
/// inside the DCT (cheap). Why in C: libjpeg's error exit needs setjmp/longjmp.
/// On success `*pixels` holds width*height bytes, to be released with CScanShim_free.
int CScanShim_decodeJPEGGray(const uint8_t *data, size_t length, int scaleDenominator,
                             uint64_t maxPixels, uint8_t **pixels, int *width, int *height,
                             char *message, size_t messageLength);

/// Encodes 8-bit gray (components 1) or RGB (components 3) pixels as a JPEG file in memory.
/// Why in C: libjpeg's error exit needs setjmp/longjmp. Release `*output` with CScanShim_free.
int CScanShim_encodeJPEG(const uint8_t *pixels, int width, int height, int components,
                         int quality, uint8_t **output, size_t *outputLength,
                         char *message, size_t messageLength);

/// Releases a buffer returned by the functions above. Why: it was allocated by C's malloc.
void CScanShim_free(void *pointer);

/// Serves allocations of up to 32 MiB from the heap and keeps freed memory for reuse, instead
/// of one mapping per large buffer returned to the kernel when freed (glibc's default from
/// 128 KiB). Why in C: mallopt and its constants are in <malloc.h>, which Swift's Glibc module
/// does not include. Returns 1 when applied, 0 where there is no glibc.
int CScanShim_keepLargeAllocations(void);

/// A handler for Leptonica's leptSetStderrHandler that keeps what Leptonica would print
/// (e.g. "Bad file: amount too big" on a truncated TIFF, printed whatever the message
/// severity) for the calling thread instead of writing it to stderr. Why in C: the messages
/// are kept per thread (_Thread_local), so parallel decodes never see each other's.
void CScanShim_keepLeptonicaMessage(const char *text);

/// Copies the calling thread's kept Leptonica messages into `out` (NUL-terminated, cut to
/// `outLength`) and forgets them. Returns the number of bytes kept before the copy.
size_t CScanShim_takeLeptonicaMessages(char *out, size_t outLength);

#endif

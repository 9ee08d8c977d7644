// Leptonica: decoding of the image formats we do not decode ourselves (TIFF, BMP, GIF, WebP, PNM).
#include <leptonica/allheaders.h>

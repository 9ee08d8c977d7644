// Leptonica: decoding of the image formats we do not decode ourselves (TIFF, BMP, GIF, WebP, PNM),
// and its built-in bitmap fonts for the text on annotated pictures.
#include <leptonica/allheaders.h>
#include <leptonica/bmf.h>

// Tesseract's C API (the only part of Tesseract that Swift calls).
#include <tesseract/capi.h>

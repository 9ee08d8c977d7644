// libheif: HEIC photos (what iPhones take by default) and AVIF, from Debian's libheif-dev
// (its HEVC and AV1 decoders are the libde265, dav1d and libaom packages it depends on).
#include <libheif/heif.h>

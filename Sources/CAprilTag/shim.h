// libapriltag (Debian's libapriltag-dev): the detector and the tag family printed on the 2024
// C.Hasil pages (36h10, ids 101-103 for pages 1-3).
#include <apriltag/apriltag.h>
#include <apriltag/tag36h10.h>

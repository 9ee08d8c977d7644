#include "CScanShim.h"

#include <string.h>

// What Leptonica would have printed on this thread since the last take, cut to the buffer.
// Leptonica prints some problems with lept_stderr whatever setMsgSeverity says (its TIFF
// reader's "Bad file: amount too big"); with CScanShim_keepLeptonicaMessage as its stderr
// handler they end up here and in our typed errors instead.
static _Thread_local char CScanShim_leptonicaMessages[1024];
static _Thread_local size_t CScanShim_leptonicaUsed;

void CScanShim_keepLeptonicaMessage(const char *text) {
    if (text == NULL) return;
    size_t room = sizeof(CScanShim_leptonicaMessages) - 1 - CScanShim_leptonicaUsed;
    size_t n = strlen(text);
    if (n > room) n = room;
    memcpy(CScanShim_leptonicaMessages + CScanShim_leptonicaUsed, text, n);
    CScanShim_leptonicaUsed += n;
    CScanShim_leptonicaMessages[CScanShim_leptonicaUsed] = 0;
}

size_t CScanShim_takeLeptonicaMessages(char *out, size_t outLength) {
    size_t used = CScanShim_leptonicaUsed;
    if (out != NULL && outLength > 0) {
        size_t n = used < outLength - 1 ? used : outLength - 1;
        memcpy(out, CScanShim_leptonicaMessages, n);
        out[n] = 0;
    }
    CScanShim_leptonicaUsed = 0;
    CScanShim_leptonicaMessages[0] = 0;
    return used;
}

// A ticket's QR code as a PNG, behind a header that names no system header but the compiler's own
// (<stddef.h>): libqrencode's and libpng's headers pull in glibc's, and a module that owns glibc's
// declarations breaks release builds of the importing modules (memset "broken by a context change").
#ifndef OUTREACH_QR_H
#define OUTREACH_QR_H
#include <stddef.h>

/// The QR matrix of `text` (error correction M, 8-bit mode): returns its width in modules and sets
/// `*modules` to width × width bytes (1 = dark, 0 = light), to free with `outreach_qr_free`;
/// returns 0 when no QR code can hold the text (or memory ran out).
int outreach_qr_modules(const char *text, unsigned char **modules);

/// Frees what `outreach_qr_modules` returned.
void outreach_qr_free(unsigned char *modules);

/// `pixels` (side × side, 8-bit gray) as a PNG: with `out` NULL returns the size needed; else writes
/// at most `capacity` bytes to `out` and returns the size written. Returns 0 on failure.
size_t outreach_png_gray(const unsigned char *pixels, unsigned int side, unsigned char *out, size_t capacity);

#endif

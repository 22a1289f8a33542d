// libqrencode makes a ticket's QR matrix; libpng's simplified API writes the image as a PNG in memory.
#include "outreach_qr.h"
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

int outreach_qr_modules(const char *text, unsigned char **modules) {
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL) return 0;
    size_t count = (size_t)qr->width * (size_t)qr->width;
    unsigned char *copy = malloc(count);
    if (copy == NULL) { QRcode_free(qr); return 0; }
    for (size_t i = 0; i < count; i++) copy[i] = qr->data[i] & 1;
    int width = qr->width;
    QRcode_free(qr);
    *modules = copy;
    return width;
}

void outreach_qr_free(unsigned char *modules) { free(modules); }

size_t outreach_png_gray(const unsigned char *pixels, unsigned int side, unsigned char *out, size_t capacity) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = side;
    image.height = side;
    image.format = PNG_FORMAT_GRAY;
    png_alloc_size_t size = out == NULL ? 0 : capacity;
    if (!png_image_write_to_memory(&image, out, &size, 0, pixels, (png_int_32)side, NULL)) return 0;
    return (size_t)size;
}

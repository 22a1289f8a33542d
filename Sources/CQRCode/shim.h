// libqrencode makes a ticket's QR matrix; libpng's simplified API writes it as a PNG in memory.
#include <qrencode.h>
#include <png.h>

/// A grayscale 8-bit image description for `png_image_write_to_memory` (the macros and the
/// struct's versioning are easier to fill in C).
static inline png_image outreach_gray_image(png_uint_32 width, png_uint_32 height) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = PNG_FORMAT_GRAY;
    return image;
}

#ifndef MCND_CLIBPNG_SHIM_H
#define MCND_CLIBPNG_SHIM_H

#include <png.h>

/* Swift imports plain integer #defines but not alias macros (one macro defined
 * as an expression of others) nor function-like macros. This header wraps the
 * ones mcnd uses from libpng's simplified API; it adds no behaviour. */

static const png_uint_32 mcnd_png_image_version = PNG_IMAGE_VERSION;

static const png_uint_32 mcnd_png_format_gray = PNG_FORMAT_GRAY;
static const png_uint_32 mcnd_png_format_ga = PNG_FORMAT_GA;
static const png_uint_32 mcnd_png_format_rgb = PNG_FORMAT_RGB;
static const png_uint_32 mcnd_png_format_rgba = PNG_FORMAT_RGBA;

static const png_uint_32 mcnd_png_format_flag_alpha = PNG_FORMAT_FLAG_ALPHA;
static const png_uint_32 mcnd_png_format_flag_color = PNG_FORMAT_FLAG_COLOR;
static const png_uint_32 mcnd_png_format_flag_linear = PNG_FORMAT_FLAG_LINEAR;
static const png_uint_32 mcnd_png_format_flag_colormap = PNG_FORMAT_FLAG_COLORMAP;

static const png_uint_32 mcnd_png_image_flag_16bit_srgb = PNG_IMAGE_FLAG_16BIT_sRGB;

/* PNG_IMAGE_FAILED(image) */
static inline int mcnd_png_image_failed(const png_image *image) {
    return PNG_IMAGE_FAILED(*image);
}

/* PNG_IMAGE_ROW_STRIDE(image): components per row at the image's format. */
static inline png_uint_32 mcnd_png_image_row_stride(const png_image *image) {
    return PNG_IMAGE_ROW_STRIDE(*image);
}

/* PNG_IMAGE_SIZE(image): bytes of the whole image at the minimum stride. */
static inline png_alloc_size_t mcnd_png_image_size(const png_image *image) {
    return PNG_IMAGE_SIZE(*image);
}

/* PNG_IMAGE_PIXEL_CHANNELS(format) */
static inline png_uint_32 mcnd_png_image_pixel_channels(png_uint_32 format) {
    return PNG_IMAGE_PIXEL_CHANNELS(format);
}

#endif

// cairo for figures in PNG, SVG and PDF (Debian: libcairo2-dev). No logic here.
#include <cairo/cairo.h>
#include <cairo/cairo-svg.h>
#include <cairo/cairo-pdf.h>

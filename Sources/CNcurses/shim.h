#ifndef FEEDD_CNCURSES_SHIM_H
#define FEEDD_CNCURSES_SHIM_H

/* The wide-character ncurses (Debian's libncurses-dev, ncursesw): UTF-8 text drawn by character cells. */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

/* Attributes and colour pairs are macros Swift cannot import: the values feedd uses, as constants. */
static const int FEEDD_A_NORMAL = A_NORMAL;
static const int FEEDD_A_BOLD = A_BOLD;
static const int FEEDD_A_DIM = A_DIM;
static const int FEEDD_A_REVERSE = A_REVERSE;
static const int FEEDD_A_UNDERLINE = A_UNDERLINE;

static inline int feedd_color_pair(int pair) { return COLOR_PAIR(pair); }

/* Draws UTF-8 text at a position with attributes, then goes back to normal ones. */
static inline void feedd_draw(int y, int x, const char *text, int attributes) {
    attrset(attributes);
    mvaddstr(y, x, text);
    attrset(A_NORMAL);
}

static inline int feedd_lines(void) { return LINES; }
static inline int feedd_columns(void) { return COLS; }
static inline WINDOW *feedd_screen(void) { return stdscr; }

#endif

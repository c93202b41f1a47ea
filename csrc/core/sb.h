/* sb.h - a growable string buffer (always NUL-terminated). */
#ifndef PTS_CORE_SB_H
#define PTS_CORE_SB_H

#include <stddef.h>

#include "core/error.h"

typedef struct pts_sb {
    char *buf;
    size_t len, cap;
    int failed; /* an append ran out of memory; buf holds what fit */
} pts_sb;

void pts_sb_init(pts_sb *sb);
void pts_sb_free(pts_sb *sb);
void pts_sb_putn(pts_sb *sb, const char *s, size_t n);
void pts_sb_puts(pts_sb *sb, const char *s);
void pts_sb_putc(pts_sb *sb, char c);
void pts_sb_printf(pts_sb *sb, const char *fmt, ...) PTS_PRINTF(2, 3);
/* "" when empty; borrowed until the next append or free. */
const char *pts_sb_str(const pts_sb *sb);
/* Hand the buffer over (caller frees with pts_free); sb is reset. NULL on OOM. */
char *pts_sb_take(pts_sb *sb);

#endif

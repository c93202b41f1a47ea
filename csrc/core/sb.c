/* sb.c - growable string buffer. */
#include "core/sb.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

void pts_sb_init(pts_sb *sb)
{
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    sb->failed = 0;
}

void pts_sb_free(pts_sb *sb)
{
    pts_free(sb->buf);
    pts_sb_init(sb);
}

static int reserve(pts_sb *sb, size_t extra)
{
    if (sb->failed)
        return 0;
    if (sb->len + extra + 1 <= sb->cap)
        return 1;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *nb = pts_realloc(sb->buf, cap);
    if (!nb) {
        sb->failed = 1;
        return 0;
    }
    if (!sb->buf)
        nb[0] = 0;
    sb->buf = nb;
    sb->cap = cap;
    return 1;
}

void pts_sb_putn(pts_sb *sb, const char *s, size_t n)
{
    if (!reserve(sb, n))
        return;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}

void pts_sb_puts(pts_sb *sb, const char *s) { pts_sb_putn(sb, s, strlen(s)); }
void pts_sb_putc(pts_sb *sb, char c) { pts_sb_putn(sb, &c, 1); }

void pts_sb_printf(pts_sb *sb, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        pts_sb_putn(sb, tmp, (size_t)n);
        return;
    }
    if (!reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

const char *pts_sb_str(const pts_sb *sb) { return sb->buf ? sb->buf : ""; }

char *pts_sb_take(pts_sb *sb)
{
    char *r = sb->buf;
    if (sb->failed) {
        pts_free(r);
        r = NULL;
    } else if (!r) {
        r = pts_strdup("");
    }
    pts_sb_init(sb);
    return r;
}

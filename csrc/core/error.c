/* error.c - thread-local error messages (see error.h). */
#include "core/error.h"

#include <stdio.h>
#include <string.h>

#define PTS_ERR_CAP 8192

static _Thread_local char err_msg[PTS_ERR_CAP];
static _Thread_local pts_status err_status;

pts_status pts_err_setv(pts_status st, const char *fmt, va_list ap)
{
    vsnprintf(err_msg, sizeof err_msg, fmt, ap);
    err_status = st;
    return st;
}

pts_status pts_err_set(pts_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pts_err_setv(st, fmt, ap);
    va_end(ap);
    return st;
}

pts_status pts_err_context(pts_status st, const char *fmt, ...)
{
    char prefix[1024];
    char old[PTS_ERR_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err_msg, sizeof old);
    size_t pl = strlen(prefix);
    if (pl + 3 >= sizeof err_msg)
        pl = sizeof err_msg - 3;
    memcpy(err_msg, prefix, pl);
    memcpy(err_msg + pl, ": ", 2);
    size_t room = sizeof err_msg - pl - 3;
    size_t ol = strlen(old);
    if (ol > room)
        ol = room;
    memcpy(err_msg + pl + 2, old, ol);
    err_msg[pl + 2 + ol] = 0;
    err_status = st;
    return st;
}

pts_status pts_err_append(pts_status st, const char *fmt, ...)
{
    size_t len = strlen(err_msg);
    if (len + 2 < sizeof err_msg) {
        va_list ap;
        err_msg[len++] = '\n';
        err_msg[len] = 0;
        va_start(ap, fmt);
        vsnprintf(err_msg + len, sizeof err_msg - len, fmt, ap);
        va_end(ap);
    }
    err_status = st;
    return st;
}

const char *pts_err_message(void) { return err_msg; }

pts_status pts_err_recode(pts_status st)
{
    err_status = st;
    return st;
}
pts_status pts_err_last(void) { return err_status; }

void pts_err_clear(void)
{
    err_msg[0] = 0;
    err_status = PTS_OK;
}

const char *pts_status_name(pts_status st)
{
    switch (st) {
    case PTS_OK: return "ok";
    case PTS_ERR_LOAD: return "load error";
    case PTS_ERR_NOMEM: return "out of memory";
    case PTS_ERR_UNSUPPORTED: return "unsupported";
    case PTS_ERR_SCRIPT: return "script error";
    case PTS_ERR_TYPE: return "type error";
    case PTS_ERR_VALUE: return "value error";
    case PTS_ERR_INDEX: return "index error";
    case PTS_ERR_KEY: return "key error";
    case PTS_ERR_LIMIT: return "limit exceeded";
    case PTS_ERR_IO: return "i/o error";
    case PTS_ERR_INTERNAL: return "internal error";
    case PTS_ERR_INTERRUPTED: return "interrupted";
    }
    return "unknown error";
}

/* Error message helpers. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct mc_err *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return -1;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int err_prefix(struct mc_err *err, const char *fmt, ...)
{
    char old[sizeof err->msg];
    va_list ap;
    size_t n;

    if (err == NULL)
        return -1;
    memcpy(old, err->msg, sizeof old);
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* Append ": old" by hand: snprintf would warn about truncation. */
    n = strlen(err->msg);
    if (n + 2 < sizeof err->msg) {
        memcpy(err->msg + n, ": ", 2);
        n += 2;
        old[sizeof old - 1 - n] = '\0';
        memcpy(err->msg + n, old, strlen(old) + 1);
    }
    return -1;
}

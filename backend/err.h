/* Error reports: backends fill one of these and never print. */
#ifndef MCTOP_BACKEND_ERR_H
#define MCTOP_BACKEND_ERR_H

struct mc_err {
    int code;      /* module specific; 0 when unset */
    char msg[256]; /* one line for the status bar, names file/line or server */
};

/* Set the message (printf-style); returns -1 so callers can `return`. */
int err_set(struct mc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix an existing message ("where: old message"); returns -1. */
int err_prefix(struct mc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif

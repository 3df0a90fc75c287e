/* Formatting of model values for display: durations, numbers, states. */
#ifndef MCTOP_VIEWS_FORMAT_H
#define MCTOP_VIEWS_FORMAT_H

#include <stddef.h>

#include "backend/model.h"
#include "tui/theme.h"

/* "45s", "12m", "3h 5m", "4d 3h"; "-" for a negative value. */
char *format_duration(double secs, char *buf, size_t size);
/* Age of an epoch timestamp relative to now; "-" when unknown (<= 0). */
char *format_age(double when, double now, char *buf, size_t size);
/* A number in at most about 5 characters: "0.52", "12.3", "1234", "12k". */
char *format_number(double v, char *buf, size_t size);
/* Local time "2026-11-26 14:03:22"; "never" for <= 0. */
char *format_time(double when, char *buf, size_t size);

/* The role of a state badge; handled problems use the quieter roles. */
enum theme_role format_state_role(enum mc_state st, bool handled);
/*
 * The flag letters of a status: A acknowledged, D in downtime, F flapping,
 * and "2/3" for a soft state at its attempt. "" when none.
 */
char *format_flags(const struct mc_status *st, char *buf, size_t size);
/* The text of a host meter: "92%" of its scale, or the value for load. */
char *format_metric(const struct mc_metric *m, enum mc_metric_kind kind,
                    char *buf, size_t size);

/* "90s", "30m", "2h", "1d", "1w", "1h30m" -> seconds; -1 when not that. */
int format_parse_duration(const char *s, double *secs);
/*
 * A start time: "now", "+30m" (from now), "14:30" (the next one),
 * "2026-11-26 14:30"; -1 when not that.
 */
int format_parse_time(const char *s, double now, double *when);

#endif

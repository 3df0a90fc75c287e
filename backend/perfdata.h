/*
 * Nagios plugin performance data: 'label'=value[UOM];[warn];[crit];[min];[max]
 * items separated by white space, thresholds as Nagios ranges.
 */
#ifndef MCTOP_BACKEND_PERFDATA_H
#define MCTOP_BACKEND_PERFDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "model.h"

/*
 * Parse the perf data items in s and append them to out (out must be zeroed
 * or hold earlier items; the caller frees it with perf_list_clear()).
 * Quoted labels may hold spaces ('/var lib'=1, '' is a quote). A value "U"
 * (unknown) gives value NAN. Numbers are read the same whatever the
 * LC_NUMERIC locale; a decimal comma is accepted too.
 * A bad item is skipped up to the next white space and parsing goes on, so
 * every good item ends up in out. Returns 0, or -1 when some item was bad,
 * with err naming the first bad item. NULL or blank s is 0 items, not an
 * error.
 */
int perfdata_parse(const char *s, struct perf_list *out, struct mc_err *err);

/*
 * Parse one threshold range of len bytes: "10" (outside 0..10), "10:"
 * (below 10), "~:10" (above 10), "10:20", "@10:20" (inside). An empty
 * string gives an unset range. Returns 0, or -1 when it is not a range.
 */
int perf_range_parse(const char *s, size_t len, struct perf_range *r);

/* True when v is in the alert zone of r; never for an unset range or NAN. */
bool perf_range_alerts(const struct perf_range *r, double v);

/* MC_CRIT, MC_WARN or MC_OK from an item's own thresholds. */
enum mc_state perf_state(const struct perf *p);

/*
 * The bound to draw as a mark: hi of an outside range when finite, else lo
 * (a "below lo" range, or an inside range). NAN when the range is unset.
 */
double perf_range_mark(const struct perf_range *r);

/* Write r in Nagios notation ("~:10", "@5:8", "" when unset) into out. */
void perf_range_format(const struct perf_range *r, char *out, size_t size);

#endif

/*
 * Internal helpers shared by the Icinga parsers (icinga_parse.c and
 * icinga_event.c): typed cJSON member access and check result parsing.
 */
#ifndef MCTOP_BACKEND_ICINGA_JSON_H
#define MCTOP_BACKEND_ICINGA_JSON_H

#include <cJSON.h>
#include <stdbool.h>

#include "model.h"

/* The string member key of o, or NULL when absent or not a string. */
const char *icinga_json_str(const cJSON *o, const char *key);
/* Number members: true and *out set when present, finite and in range. */
bool icinga_json_num(const cJSON *o, const char *key, double *out);
bool icinga_json_int(const cJSON *o, const char *key, int *out);
/* Bool member: true and *out set when it is a JSON bool. */
bool icinga_json_bool(const cJSON *o, const char *key, bool *out);

/*
 * Fill st from a last_check_result / check_result object: output split
 * into first line and the rest, perf data (perf_bad on bad items),
 * last_check, attempt, state_type and reachable from vars_after, and the
 * state (for a host mapped to 0 UP / 1 DOWN). Clears st->pending.
 */
void icinga_json_check_result(const cJSON *cr, bool is_host,
                              struct mc_status *st);

#endif

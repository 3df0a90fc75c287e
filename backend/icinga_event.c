/*
 * Icinga 2 /v1/events lines to struct icinga_event, and error response
 * bodies (JSON or HTML) to one readable line.
 */
#include "icinga_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icinga_json.h"
#include "xalloc.h"

static const char *const event_names[ICINGA_EV_TYPE_COUNT] = {
    [ICINGA_EV_UNKNOWN] = "unknown",
    [ICINGA_EV_CHECK_RESULT] = "CheckResult",
    [ICINGA_EV_STATE_CHANGE] = "StateChange",
    [ICINGA_EV_ACK_SET] = "AcknowledgementSet",
    [ICINGA_EV_ACK_CLEARED] = "AcknowledgementCleared",
    [ICINGA_EV_COMMENT_ADDED] = "CommentAdded",
    [ICINGA_EV_COMMENT_REMOVED] = "CommentRemoved",
    [ICINGA_EV_DOWNTIME_ADDED] = "DowntimeAdded",
    [ICINGA_EV_DOWNTIME_STARTED] = "DowntimeStarted",
    [ICINGA_EV_DOWNTIME_TRIGGERED] = "DowntimeTriggered",
    [ICINGA_EV_DOWNTIME_REMOVED] = "DowntimeRemoved",
    [ICINGA_EV_FLAPPING] = "Flapping",
};

const char *icinga_event_type_name(enum icinga_event_type type)
{
    if ((unsigned)type >= ICINGA_EV_TYPE_COUNT)
        return event_names[ICINGA_EV_UNKNOWN];
    return event_names[type];
}

static enum icinga_event_type event_type(const char *name)
{
    for (int t = 1; name != NULL && t < ICINGA_EV_TYPE_COUNT; t++)
        if (strcmp(name, event_names[t]) == 0)
            return (enum icinga_event_type)t;
    return ICINGA_EV_UNKNOWN;
}

void icinga_event_clear(struct icinga_event *ev)
{
    if (ev == NULL)
        return;
    free(ev->host);
    free(ev->service);
    free(ev->author);
    free(ev->text);
    free(ev->downtime_name);
    model_status_clear(&ev->cr);
    memset(ev, 0, sizeof *ev);
}

/* Non-empty string member copied, or NULL. */
static char *dup_nonempty(const cJSON *o, const char *key)
{
    const char *s = icinga_json_str(o, key);

    return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

/* host/service at the top level, else in the downtime or comment object. */
static void event_object(const cJSON *root, struct icinga_event *ev)
{
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(root, "downtime");

    if (!cJSON_IsObject(sub))
        sub = cJSON_GetObjectItemCaseSensitive(root, "comment");
    ev->host = dup_nonempty(root, "host");
    ev->service = dup_nonempty(root, "service");
    if (!cJSON_IsObject(sub))
        return;
    if (ev->host == NULL) {
        ev->host = dup_nonempty(sub, "host_name");
        if (ev->service == NULL)
            ev->service = dup_nonempty(sub, "service_name");
    }
    ev->author = dup_nonempty(sub, "author");
    ev->text = dup_nonempty(sub, "text");
    if (ev->text == NULL)
        ev->text = dup_nonempty(sub, "comment");
    if (cJSON_GetObjectItemCaseSensitive(root, "downtime") == sub) {
        bool fixed = false;

        ev->downtime_name = dup_nonempty(sub, "__name");
        if (icinga_json_bool(sub, "fixed", &fixed))
            ev->downtime_fixed = fixed;
        icinga_json_num(sub, "trigger_time", &ev->downtime_trigger_time);
    }
}

/* state, state_type, acknowledgement, downtime_depth, flapping, result. */
static void event_fields(const cJSON *root, struct icinga_event *ev)
{
    const cJSON *cr = cJSON_GetObjectItemCaseSensitive(root, "check_result");
    bool b;

    if (icinga_json_int(root, "state", &ev->state))
        ev->has |= ICINGA_EV_HAS_STATE;
    if (icinga_json_int(root, "state_type", &ev->state_type))
        ev->has |= ICINGA_EV_HAS_STATE_TYPE;
    /* CheckResult/StateChange carry a bool, objects and acks a number. */
    if (icinga_json_bool(root, "acknowledgement", &b)) {
        ev->ack = b ? 1 : 0;
        ev->has |= ICINGA_EV_HAS_ACK | ICINGA_EV_HAS_ACK_BOOL;
    } else if (icinga_json_int(root, "acknowledgement", &ev->ack)) {
        ev->has |= ICINGA_EV_HAS_ACK;
    }
    if (ev->type == ICINGA_EV_ACK_SET || ev->type == ICINGA_EV_ACK_CLEARED) {
        int t = ev->type == ICINGA_EV_ACK_SET ? 1 : 0;

        icinga_json_int(root, "acknowledgement_type", &t);
        ev->ack = t;
        ev->has =
            (ev->has | ICINGA_EV_HAS_ACK) & ~(unsigned)ICINGA_EV_HAS_ACK_BOOL;
        if (ev->author == NULL)
            ev->author = dup_nonempty(root, "author");
        if (ev->text == NULL)
            ev->text = dup_nonempty(root, "comment");
    }
    if (icinga_json_int(root, "downtime_depth", &ev->downtime_depth))
        ev->has |= ICINGA_EV_HAS_DOWNTIME_DEPTH;
    if (icinga_json_bool(root, "is_flapping", &b)) {
        ev->flapping = b;
        ev->has |= ICINGA_EV_HAS_FLAPPING;
    }
    if (cJSON_IsObject(cr)) {
        ev->cr.state_type = 1;
        ev->cr.attempt = 1;
        ev->cr.reachable = true;
        ev->cr.last_check = ev->timestamp;
        icinga_json_check_result(cr, ev->service == NULL, &ev->cr);
        ev->has |= ICINGA_EV_HAS_CHECK_RESULT;
    }
}

int icinga_parse_event(const char *line, size_t len, struct icinga_event *ev,
                       struct mc_err *err)
{
    cJSON *root;
    const char *type;
    int rc = -1;

    memset(ev, 0, sizeof *ev);
    while (line != NULL && len > 0 &&
           (line[len - 1] == '\n' || line[len - 1] == '\r' ||
            line[len - 1] == ' '))
        len--;
    if (line == NULL || len == 0)
        return err_set(err, "empty event line");
    root = cJSON_ParseWithLength(line, len);
    if (!cJSON_IsObject(root)) {
        err_set(err, "event line is not a JSON object");
        goto out;
    }
    type = icinga_json_str(root, "type");
    if (type == NULL) {
        err_set(err, "event without a \"type\"");
        goto out;
    }
    ev->type = event_type(type);
    icinga_json_num(root, "timestamp", &ev->timestamp);
    event_object(root, ev);
    if (ev->host == NULL && ev->type != ICINGA_EV_UNKNOWN) {
        err_set(err, "%s event without a host", type);
        goto out;
    }
    event_fields(root, ev);
    rc = 0;
out:
    if (rc < 0)
        icinga_event_clear(ev);
    cJSON_Delete(root);
    return rc;
}

/* ---- error bodies ---- */

/*
 * Append s[0..len) to out (size bytes, NUL-terminated) as one line: control
 * characters and runs of white space become one space, HTML tags are
 * dropped when html is set.
 */
static void append_line(char *out, size_t size, const char *s, size_t len,
                        bool html)
{
    size_t n = strlen(out);
    bool tag = false, space = n > 0 && out[n - 1] == ' ';

    for (size_t i = 0; i < len && n + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];

        if (html && c == '<') {
            tag = true;
            continue;
        }
        if (tag) {
            tag = c != '>';
            if (!tag && !space && n > 0) {
                out[n++] = ' ';
                space = true;
            }
            continue;
        }
        if (c < 0x20 || c == 0x7f || c == ' ') {
            if (!space && n > 0) {
                out[n++] = ' ';
                space = true;
            }
            continue;
        }
        out[n++] = (char)c;
        space = false;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static void append_str(char *out, size_t size, const char *s)
{
    append_line(out, size, s, strlen(s), false);
}

/* {"results":[{"code":409,"status":"..."},...]} from an action. */
static void action_results(const cJSON *results, int *code, char *out,
                           size_t size)
{
    const cJSON *it, *bad = NULL;
    int n = 0, nbad = 0, c;

    cJSON_ArrayForEach(it, results)
    {
        n++;
        if (icinga_json_int(it, "code", &c) && (c < 200 || c > 299)) {
            if (bad == NULL) {
                bad = it;
                *code = c;
            }
            nbad++;
        }
    }
    if (n == 0) {
        append_str(out, size, "no matching objects");
        return;
    }
    if (bad == NULL) {
        append_str(out, size, "all objects succeeded");
        return;
    }
    append_str(out, size,
               icinga_json_str(bad, "status") != NULL
                   ? icinga_json_str(bad, "status")
                   : "failed");
    if (nbad > 1) {
        char more[48];

        snprintf(more, sizeof more, " (%d of %d objects failed)", nbad, n);
        append_line(out, size, more, strlen(more), false);
    }
}

/* The JSON forms; false when body is not a JSON object. */
static bool json_error(const char *body, size_t len, int *code, char *out,
                       size_t size)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    const char *status, *diag;
    const cJSON *results;
    int e;

    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return false;
    }
    if (icinga_json_int(root, "error", &e))
        *code = e;
    status = icinga_json_str(root, "status");
    diag = icinga_json_str(root, "diagnostic_information");
    results = cJSON_GetObjectItemCaseSensitive(root, "results");
    if (status != NULL) {
        append_str(out, size, status);
        if (diag != NULL) {
            const char *nl = strchr(diag, '\n');
            size_t n = nl != NULL ? (size_t)(nl - diag) : strlen(diag);

            if (strncmp(diag, "Error: ", 7) == 0 && n >= 7) {
                diag += 7;
                n -= 7;
            }
            append_str(out, size, " (");
            append_line(out, size, diag, n, false);
            append_str(out, size, ")");
        }
    } else if (cJSON_IsArray(results)) {
        action_results(results, code, out, size);
    } else {
        append_str(out, size, "unexpected JSON response");
    }
    cJSON_Delete(root);
    return true;
}

int icinga_parse_error(const char *body, size_t len, int http_status,
                       struct mc_err *err)
{
    char text[sizeof err->msg] = "";
    int code = 0;

    if (body == NULL)
        len = 0;
    if (len == 0 || !json_error(body, len, &code, text, sizeof text))
        append_line(text, sizeof text, body, len, true);
    if (http_status != 0)
        code = http_status;
    if (err != NULL)
        err->code = code;
    if (text[0] == '\0')
        return err_set(err, "Icinga error %d (empty response)", code);
    if (code == 0)
        return err_set(err, "Icinga error: %s", text);
    return err_set(err, "Icinga error %d: %s", code, text);
}

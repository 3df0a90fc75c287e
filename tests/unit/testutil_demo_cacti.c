/* Helpers shared by the demo Cacti tests (no suite here). */
#include "tests/unit/testutil_demo_cacti.h"

#include <cJSON.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/buf.h"
#include "backend/demo_cacti.h"

char *dc_get_max(struct demo *d, const char *method, const char *path,
                 const char *body, int *status, size_t *len, size_t max)
{
    struct demo_reply *r = demo_request(d, method, path, body, status);
    struct buf b = { 0 };
    size_t n;

    while (demo_reply_read(r, &b, max))
        ;
    demo_reply_free(r);
    n = b.len;
    if (len != NULL)
        *len = n;
    if (b.data == NULL)
        return calloc(1, 1);
    return buf_steal(&b);
}

char *dc_get(struct demo *d, const char *path, int *status, size_t *len)
{
    return dc_get_max(d, "GET", path, NULL, status, len, 65536);
}

/* GET that must answer 200. */
char *dc_get_ok(struct demo *d, const char *path, size_t *len)
{
    int st = 0;
    char *s = dc_get(d, path, &st, len);

    ck_assert_msg(st == 200, "%s: HTTP %d", path, st);
    return s;
}

char *dc_xport_path(long id, long long start, long long end)
{
    static char p[256];

    snprintf(p, sizeof p,
             "/cacti/graph_xport.php?local_graph_id=%ld&rra_id=0"
             "&graph_start=%lld&graph_end=%lld",
             id, start, end);
    return p;
}

char *dc_list_path(long host_id, int rows)
{
    static char p[256];

    snprintf(p, sizeof p,
             "/cacti/graph_view.php?action=list&host_id=%ld"
             "&graph_template_id=-1&rfilter=&rows=%d&page=1&header=false",
             host_id, rows);
    return p;
}

struct hosts dc_hosts_of(struct demo *d)
{
    char *s = dc_get_ok(d, "/v1/objects/hosts?attrs=name&attrs=address", NULL);
    cJSON *j = cJSON_Parse(s), *it;
    struct hosts h = { 0 };
    int cap;

    ck_assert_ptr_nonnull(j);
    cap = cJSON_GetArraySize(cJSON_GetObjectItem(j, "results"));
    h.name = calloc((size_t)cap, sizeof(char *));
    h.addr = calloc((size_t)cap, sizeof(char *));
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "results"))
    {
        cJSON *a = cJSON_GetObjectItem(it, "attrs");

        h.name[h.n] = strdup(cJSON_GetObjectItem(a, "name")->valuestring);
        h.addr[h.n] = strdup(cJSON_GetObjectItem(a, "address")->valuestring);
        h.n++;
    }
    cJSON_Delete(j);
    free(s);
    return h;
}

void dc_hosts_free(struct hosts *h)
{
    for (int i = 0; i < h->n; i++) {
        free(h->name[i]);
        free(h->addr[i]);
    }
    free(h->name);
    free(h->addr);
}

/* Index of the first host with (or without) a Cacti device, or -1. */
int dc_host_with(struct demo *d, const struct hosts *h, bool device)
{
    for (int i = 0; i < h->n; i++)
        if ((demo_cacti_device(d, h->name[i]) != 0) == device)
            return i;
    return -1;
}

int dc_count(const char *s, const char *sub)
{
    int n = 0;

    for (const char *p = strstr(s, sub); p != NULL; p = strstr(p + 1, sub))
        n++;
    return n;
}

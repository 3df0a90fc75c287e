/* Unit tests for host meters derived from service perf data. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/metrics.h"
#include "backend/perfdata.h"
#include "backend/xalloc.h"

#define EPS 1e-6

/* Real plugin outputs (lab-icinga-ssh.md section 3 and the samples). */
#define LOAD_R                                                                 \
    "load1=0.550;;;0; scaled_load1=0.275;4.000;8.000;0; load5=0.350;;;0; "     \
    "scaled_load5=0.175;3.000;6.000;0; load15=0.160;;;0; "                     \
    "scaled_load15=0.080;2.000;4.000;0;"
#define LOAD_HIGH                                                              \
    "load1=76.050;;;0; scaled_load1=38.025;4.000;8.000;0; load5=40.260;;;0; "  \
    "scaled_load5=20.130;3.000;6.000;0; load15=15.960;;;0; "                   \
    "scaled_load15=7.980;2.000;4.000;0;"
#define DISK "/=18563989504B;216442024755;243497277849;0;270552530944"
#define HEAP_CRIT                                                              \
    "heap_used=950MB;819;921;0;1024 heap_max=1024MB gc_count=1234c "           \
    "gc_time=5.3s"

static struct perf_list perf_of(const char *s)
{
    struct perf_list pl = { 0 };

    ck_assert_int_eq(perfdata_parse(s, &pl, NULL), 0);
    return pl;
}

static struct mc_metric metric_of(enum mc_metric_kind k, const char *s)
{
    struct perf_list pl = perf_of(s);
    struct mc_metric m;

    metrics_from_perf(k, &pl, &m);
    perf_list_clear(&pl);
    return m;
}

static struct mc_service svc(const char *name, const char *perf, bool pending)
{
    struct mc_service s;

    memset(&s, 0, sizeof s);
    s.name = xstrdup(name);
    s.st.pending = pending;
    if (perf != NULL)
        ck_assert_int_eq(perfdata_parse(perf, &s.st.perf, NULL), 0);
    return s;
}

START_TEST(test_map_defaults_and_matching)
{
    struct metric_map m, c;
    struct mc_err e = { 0 };

    metric_map_init_default(&m);
    ck_assert(metric_map_matches(&m, MC_METRIC_LOAD, "load"));
    ck_assert(metric_map_matches(&m, MC_METRIC_LOAD, "CPU usage"));
    ck_assert(!metric_map_matches(&m, MC_METRIC_LOAD, "load5"));
    ck_assert(metric_map_matches(&m, MC_METRIC_MEM, "Memory"));
    ck_assert(metric_map_matches(&m, MC_METRIC_MEM, "mem"));
    ck_assert(metric_map_matches(&m, MC_METRIC_DISK, "disk /var"));
    ck_assert(!metric_map_matches(&m, MC_METRIC_DISK, "backup"));
    ck_assert(metric_map_matches(&m, MC_METRIC_HEAP, "jvm-heap"));
    ck_assert(metric_map_matches(&m, MC_METRIC_HEAP, "app heap"));
    ck_assert(!metric_map_matches(&m, MC_METRIC_HEAP, "swap"));
    ck_assert(!metric_map_matches(&m, MC_METRIC_HEAP, NULL));
    ck_assert(!metric_map_matches(NULL, MC_METRIC_HEAP, "jvm"));

    metric_map_clear_kind(&m, MC_METRIC_DISK);
    ck_assert(!metric_map_matches(&m, MC_METRIC_DISK, "disk"));
    ck_assert_int_eq(metric_map_add(&m, MC_METRIC_DISK, "FS_*", &e), 0);
    ck_assert(metric_map_matches(&m, MC_METRIC_DISK, "fs_root"));
    ck_assert_int_eq(metric_map_add(&m, MC_METRIC_DISK, "", &e), -1);
    ck_assert_ptr_nonnull(strstr(e.msg, "empty disk"));
    ck_assert_int_eq(metric_map_add(&m, MC_METRIC_COUNT, "x", &e), -1);

    metric_map_copy(&c, &m);
    metric_map_free(&m);
    ck_assert(metric_map_matches(&c, MC_METRIC_DISK, "FS_var"));
    ck_assert_uint_eq(c.npat[MC_METRIC_LOAD], 2);
    metric_map_free(&c);

    ck_assert_int_eq(metric_kind_from_name("heap"), MC_METRIC_HEAP);
    ck_assert_int_eq(metric_kind_from_name("load"), MC_METRIC_LOAD);
    ck_assert_int_eq(metric_kind_from_name("nosuch"), -1);
    ck_assert_int_eq(metric_kind_from_name(NULL), -1);
    ck_assert_str_eq(metric_kind_name(MC_METRIC_DISK), "disk");
}
END_TEST

START_TEST(test_load_scaled)
{
    struct mc_metric m = metric_of(MC_METRIC_LOAD, LOAD_R);

    ck_assert(m.valid);
    ck_assert_str_eq(m.label, "scaled_load1");
    ck_assert_double_eq_tol(m.value, 0.275, EPS);
    ck_assert_double_eq_tol(m.warn, 4, EPS);
    ck_assert_double_eq_tol(m.crit, 8, EPS);
    ck_assert_double_eq_tol(m.scale, 10, EPS); /* crit x 1.25 */
    ck_assert_int_eq(m.state, MC_OK);

    m = metric_of(MC_METRIC_LOAD, LOAD_HIGH);
    ck_assert_double_eq_tol(m.value, 38.025, EPS);
    ck_assert_int_eq(m.state, MC_CRIT);
}
END_TEST

START_TEST(test_load_fallbacks)
{
    /* without -r: load1 carries the thresholds */
    struct mc_metric m =
        metric_of(MC_METRIC_LOAD, "load1=0.550;5.000;10.000;0; "
                                  "load5=0.350;4.000;6.000;0; "
                                  "load15=0.160;3.000;4.000;0;");

    ck_assert_str_eq(m.label, "load1");
    ck_assert_double_eq_tol(m.scale, 12.5, EPS);
    ck_assert_double_eq_tol(m.warn, 5, EPS);

    /* scaled_load1 without thresholds loses to load1 */
    m = metric_of(MC_METRIC_LOAD, "scaled_load1=0.2 load1=0.4");
    ck_assert_str_eq(m.label, "load1");
    /* no thresholds, no max: the bar is full */
    ck_assert_double_eq_tol(m.scale, 0.4, EPS);
    ck_assert(isnan(m.warn) && isnan(m.crit));

    /* a cpu check: the first item */
    m = metric_of(MC_METRIC_LOAD, "user=12%;80;90 system=3% iowait=1%");
    ck_assert_str_eq(m.label, "user");
    ck_assert_double_eq(m.scale, 100);
    ck_assert_str_eq(m.uom, "%");

    /* only warn: warn x 1.5 */
    m = metric_of(MC_METRIC_LOAD, "cpu=3;4");
    ck_assert_double_eq_tol(m.scale, 6, EPS);
    ck_assert(isnan(m.crit));

    /* zero with nothing else still has a usable scale */
    m = metric_of(MC_METRIC_LOAD, "load1=0");
    ck_assert(m.valid);
    ck_assert(m.scale > 0);
}
END_TEST

START_TEST(test_heap_and_mem)
{
    struct mc_metric m = metric_of(MC_METRIC_HEAP, HEAP_CRIT);

    ck_assert(m.valid);
    ck_assert_str_eq(m.label, "heap_used");
    ck_assert_double_eq(m.value, 950);
    ck_assert_double_eq(m.scale, 1024);
    ck_assert_double_eq(m.warn, 819);
    ck_assert_double_eq(m.crit, 921);
    ck_assert_str_eq(m.uom, "MB");
    ck_assert_int_eq(m.state, MC_CRIT);

    m = metric_of(MC_METRIC_HEAP, "heap_used=512MB;819;921;0;1024");
    ck_assert_int_eq(m.state, MC_OK);

    /* prefer the "used" label even when it is not first */
    m = metric_of(MC_METRIC_MEM, "TOTAL=8000KB;;;0;8000 "
                                 "USED=6000KB;7000;7500;0;8000 FREE=2000KB");
    ck_assert_str_eq(m.label, "USED");
    ck_assert_double_eq(m.value, 6000);
    ck_assert_int_eq(m.state, MC_OK);

    /* a percentage without max */
    m = metric_of(MC_METRIC_MEM, "mem=85%;80;90");
    ck_assert_double_eq(m.scale, 100);
    ck_assert_int_eq(m.state, MC_WARN);

    /* nothing with a max or %: no metric */
    m = metric_of(MC_METRIC_MEM, "heap_max=1024MB gc_count=1234c");
    ck_assert(!m.valid);
    ck_assert(isnan(m.warn));
}
END_TEST

START_TEST(test_disk_single)
{
    struct mc_metric m = metric_of(MC_METRIC_DISK, DISK);

    ck_assert(m.valid);
    ck_assert_str_eq(m.label, "/");
    ck_assert_double_eq(m.value, 18563989504.0);
    ck_assert_double_eq(m.scale, 270552530944.0);
    ck_assert_double_eq(m.warn, 216442024755.0);
    ck_assert_double_eq(m.crit, 243497277849.0);
    ck_assert_str_eq(m.uom, "B");
    ck_assert_int_eq(m.state, MC_OK);

    /* the fullest of several mount points, free-space style range */
    m = metric_of(MC_METRIC_DISK, "/=10GB;;;0;100 /var=90GB;80;95;0;100 "
                                  "/tmp=50%;20:;10:");
    ck_assert_str_eq(m.label, "/var");
    ck_assert_int_eq(m.state, MC_WARN);
    m = metric_of(MC_METRIC_DISK, "/tmp=5%;20:;10:");
    ck_assert_int_eq(m.state, MC_CRIT);
    ck_assert_double_eq(m.warn, 20); /* below-lo range: the lo bound */
    ck_assert_double_eq(m.crit, 10);
}
END_TEST

START_TEST(test_invalid)
{
    struct mc_metric m = metric_of(MC_METRIC_LOAD, "");

    ck_assert(!m.valid);
    m = metric_of(MC_METRIC_LOAD, "load1=U");
    ck_assert(!m.valid);
    ck_assert(!metrics_from_perf(MC_METRIC_DISK, NULL, &m));
    ck_assert(!m.valid);
}
END_TEST

START_TEST(test_compute_host)
{
    struct mc_service s[7];
    struct mc_metric out[MC_METRIC_COUNT];
    struct metric_map map;
    size_t n = 0;

    s[n++] = svc("disk /", "/=50GB;80;90;0;100", false);
    s[n++] = svc("disk /var", "/var=70GB;80;90;0;100", false);
    s[n++] = svc("disk /tmp", "/tmp=99GB;80;90;0;100", true); /* pending */
    s[n++] = svc("load", LOAD_R, true);                       /* pending */
    s[n++] = svc("cpu", "user=42%;80;90", false);
    s[n++] = svc("jvm-heap", HEAP_CRIT, false);
    s[n++] = svc("http", "time=0.1s;1;2;0", false);
    metric_map_init_default(&map);
    metrics_compute(&map, s, n, out);

    ck_assert(out[MC_METRIC_DISK].valid);
    ck_assert_str_eq(out[MC_METRIC_DISK].label, "/var");
    ck_assert_double_eq(out[MC_METRIC_DISK].value, 70);
    /* load is pending: the cpu service feeds the load meter instead */
    ck_assert(out[MC_METRIC_LOAD].valid);
    ck_assert_str_eq(out[MC_METRIC_LOAD].label, "user");
    ck_assert(!out[MC_METRIC_MEM].valid);
    ck_assert(out[MC_METRIC_HEAP].valid);
    ck_assert_int_eq(out[MC_METRIC_HEAP].state, MC_CRIT);

    /* only the pending load service: not valid */
    metrics_compute(&map, &s[3], 1, out);
    ck_assert(!out[MC_METRIC_LOAD].valid);
    ck_assert(!out[MC_METRIC_DISK].valid);

    metrics_compute(&map, s, 0, out);
    ck_assert(!out[MC_METRIC_HEAP].valid);

    for (size_t i = 0; i < n; i++)
        model_service_clear(&s[i]);
    metric_map_free(&map);
}
END_TEST

/* Many services on one host: the lower-cased name array is heap-allocated. */
START_TEST(test_compute_many_services)
{
    struct mc_service s[40];
    struct mc_metric out[MC_METRIC_COUNT];
    struct metric_map map;
    char name[32], perf[64];

    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "Disk %02d", i);
        snprintf(perf, sizeof perf, "/d%02d=%d;80;90;0;100", i, (i * 37) % 100);
        s[i] = svc(name, perf, false);
    }
    metric_map_init_default(&map);
    metrics_compute(&map, s, 40, out);
    ck_assert(out[MC_METRIC_DISK].valid);
    ck_assert_double_eq(out[MC_METRIC_DISK].value, 99); /* i = 27 */
    ck_assert_str_eq(out[MC_METRIC_DISK].label, "/d27");
    ck_assert_int_eq(out[MC_METRIC_DISK].state, MC_CRIT);
    for (int i = 0; i < 40; i++)
        model_service_clear(&s[i]);
    metric_map_free(&map);
}
END_TEST

Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_map_defaults_and_matching);
    tcase_add_test(tc, test_load_scaled);
    tcase_add_test(tc, test_load_fallbacks);
    tcase_add_test(tc, test_heap_and_mem);
    tcase_add_test(tc, test_disk_single);
    tcase_add_test(tc, test_invalid);
    tcase_add_test(tc, test_compute_host);
    tcase_add_test(tc, test_compute_many_services);
    suite_add_tcase(s, tc);
    return s;
}

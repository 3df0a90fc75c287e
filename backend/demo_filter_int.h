/* The compiled form of a demo filter, shared by its parser and evaluator. */
#ifndef MCTOP_BACKEND_DEMO_FILTER_INT_H
#define MCTOP_BACKEND_DEMO_FILTER_INT_H

#include <regex.h>

#include "backend/demo_int.h"

enum node_type {
    N_NUM,
    N_STR,
    N_BOOL,
    N_NULL,
    N_FIELD,
    N_ARRAY, /* children linked through next */
    N_NOT,
    N_AND,
    N_OR,
    N_CMP,
    N_IN,
    N_MATCH,
    N_REGEX
};

enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* Fields: where they come from and which value. */
enum field_src { SRC_HOST, SRC_SVC, SRC_EVENT };

enum field_id {
    F_NAME,
    F_DISPLAY_NAME,
    F_STATE,
    F_STATE_TYPE,
    F_ACK,
    F_DOWNTIME,
    F_ADDRESS,
    F_LAST_CHECK,
    F_LAST_STATE_CHANGE,
    F_FLAPPING,
    F_HANDLED,
    F_PROBLEM,
    F_ATTEMPT,
    F_MAX_ATTEMPTS,
    F_HOST_NAME,
    F_REACHABLE,
    F_LAST_CR,
    F_CHECK_COMMAND,
    F_CHECK_INTERVAL,
    F_TYPE,
    F_VAR_ENV,
    F_VAR_OS,
    F_VAR_ROLE,
    F_VAR_NRPE,
    F_EV_HOST,
    F_EV_SERVICE,
    F_EV_TYPE,
    F_EV_STATE,
    F_EV_STATE_TYPE,
    F_EV_ACK,
    F_EV_DOWNTIME
};

struct node {
    int type, op, a, b, next;
    double num;
    char *str;
    regex_t *re;
};

struct demo_filter {
    struct node *n;
    int count, cap, root, scope;
};

#endif

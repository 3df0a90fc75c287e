/* The unknown host key dialog. */
#include "views/hostkey.h"

#include <stdio.h>

static const char *const hostkey_buttons[] = { "Accept once", "Save and accept",
                                               "Reject" };
static const enum bastion_answer hostkey_answers[] = { BASTION_ACCEPT_ONCE,
                                                       BASTION_ACCEPT_SAVE,
                                                       BASTION_REJECT };

struct dialog *hostkey_dialog(const char *title, const char *who,
                              const struct bastion_hostkey *k, const char *tail)
{
    struct dialog *d;
    char msg[2048];

    snprintf(msg, sizeof msg,
             "%s presents a host key that is not in\n"
             "%s:\n\n"
             "    %s port %d\n"
             "    %s %s\n\n"
             "Accept it only if you can confirm this fingerprint.\n"
             "(Left/Right to choose, Enter to answer.)%s",
             who,
             k->known_hosts[0] != '\0' ? k->known_hosts
                                       : "the known hosts file",
             k->host, k->port, k->type, k->fingerprint, tail);
    d = dialog_confirm(title, msg, hostkey_buttons, 3, 2);
    d->arrows_only = true;
    return d;
}

enum bastion_answer hostkey_answer(const struct dialog *d, enum dialog_result r)
{
    return r == DIALOG_OK && d->sel < 3 ? hostkey_answers[d->sel]
                                        : BASTION_REJECT;
}

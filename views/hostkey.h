/*
 * The question about an unknown host key: the same dialog for a bastion,
 * a session and :run. Only the arrows and Enter answer it (Reject is the
 * default), so a key typed a moment too late cannot accept a key.
 */
#ifndef MCTOP_VIEWS_HOSTKEY_H
#define MCTOP_VIEWS_HOSTKEY_H

#include "backend/bastion.h"
#include "tui/dialog.h"

/*
 * who: "The bastion of site lab", "Host prd-web-01"; tail: a last line
 * ("" for none).
 */
struct dialog *hostkey_dialog(const char *title, const char *who,
                              const struct bastion_hostkey *k,
                              const char *tail);
/* The answer the closed dialog gives. */
enum bastion_answer hostkey_answer(const struct dialog *d,
                                   enum dialog_result r);

#endif

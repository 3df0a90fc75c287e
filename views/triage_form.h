/* The triage actions of the list views: the form or question, then send. */
#ifndef MCTOP_VIEWS_TRIAGE_FORM_H
#define MCTOP_VIEWS_TRIAGE_FORM_H

struct app;
struct listview;

/* Ask for the details of action (ACT_ACK …) on lv's targets, then send it. */
void triage_form_open(struct app *app, struct listview *lv, int action);

#endif

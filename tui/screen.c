/* Curses lifecycle, input decoding and a crash-safe terminal restore. */
#include "screen.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tui/rawterm.h"
#include "tui/text.h"

#define SCREEN_DOUBLE_MS 400

static SCREEN *screen_sp;
static bool screen_on;
static bool screen_is_utf8;
static bool screen_mouse_on;
static enum theme_kind screen_cur_theme;
static struct termios screen_saved_tio;
static bool screen_have_tio;
/* Written from a crash handler, so prepared in advance. */
static char screen_reset_seq[256];
static size_t screen_reset_len;

static void screen_add_reset(const char *cap)
{
    char *s = tigetstr(cap);
    size_t n;

    if (s == NULL || s == (char *)-1)
        return;
    n = strlen(s);
    if (screen_reset_len + n < sizeof screen_reset_seq) {
        memcpy(screen_reset_seq + screen_reset_len, s, n);
        screen_reset_len += n;
    }
}

/* Async-signal-safe: put the terminal back, then die of the signal. */
static void screen_crash(int signo)
{
    rawterm_restore_signal_safe(); /* a remote shell had the terminal */
    if (screen_on) {
        if (write(STDOUT_FILENO, screen_reset_seq, screen_reset_len) < 0) {
            /* nothing more can be done from here */
        }
        if (screen_have_tio)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &screen_saved_tio);
    }
    signal(signo, SIG_DFL);
    raise(signo);
}

static void screen_install_crash_handlers(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = screen_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static void screen_apply_mouse(void)
{
    mmask_t mask = 0;

    if (screen_mouse_on)
        mask = BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED;
    mousemask(mask, NULL);
    /* Presses are reported at once; double clicks are detected here. */
    mouseinterval(0);
}

int screen_init(const struct screen_opts *o, const char **msg)
{
    const char *cs;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        *msg = "mctop needs a terminal (stdin and stdout must be a tty)";
        return -1;
    }
    cs = nl_langinfo(CODESET);
    screen_is_utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
    text_set_utf8(screen_is_utf8);
    screen_have_tio = tcgetattr(STDIN_FILENO, &screen_saved_tio) == 0;
    screen_sp = newterm(NULL, stdout, stdin);
    if (screen_sp == NULL) {
        *msg = "cannot initialise the terminal (check $TERM)";
        return -1;
    }
    screen_on = true;
    screen_reset_len = 0;
    screen_add_reset("sgr0");
    screen_add_reset("cnorm");
    screen_add_reset("rmkx");
    screen_add_reset("rmcup");
    screen_install_crash_handlers();
    raw(); /* C-c, C-z and C-\\ arrive as keys, bound in the keymap */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    set_escdelay(25);
    curs_set(0);
    screen_cur_theme = theme_apply(o->theme);
    screen_mouse_on = o->mouse;
    screen_apply_mouse();
    return 0;
}

void screen_end(void)
{
    if (!screen_on)
        return;
    if (screen_mouse_on)
        mousemask(0, NULL);
    curs_set(1);
    endwin();
    delscreen(screen_sp);
    screen_sp = NULL;
    screen_on = false;
    if (screen_have_tio)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &screen_saved_tio);
    fflush(stdout);
}

bool screen_active(void)
{
    return screen_on;
}

void screen_suspend(void)
{
    if (!screen_on)
        return;
    if (screen_mouse_on)
        mousemask(0, NULL);
    endwin();
    fflush(stdout);
}

void screen_resume(void)
{
    if (!screen_on)
        return;
    reset_prog_mode();
    screen_resize();
    screen_apply_mouse();
    clearok(curscr, TRUE);
}

void screen_resize(void)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
        ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE);
}

void screen_size(int *rows, int *cols)
{
    *rows = LINES;
    *cols = COLS;
}

bool screen_utf8(void)
{
    return screen_is_utf8;
}

enum theme_kind screen_theme(void)
{
    return screen_cur_theme;
}

void screen_set_theme(enum theme_kind kind)
{
    screen_cur_theme = theme_apply(kind);
    clearok(curscr, TRUE);
}

void screen_set_mouse(bool on)
{
    screen_mouse_on = on;
    screen_apply_mouse();
}

bool screen_mouse(void)
{
    return screen_mouse_on;
}

void screen_frame_begin(void)
{
    erase();
}

void screen_frame_end(int cursor_y, int cursor_x)
{
    if (cursor_y >= 0) {
        move(cursor_y, cursor_x);
        curs_set(1);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

void screen_invalidate(void)
{
    clearok(curscr, TRUE);
}

static int screen_map_keycode(int k)
{
    static const struct {
        int curses, code;
    } map[] = {
        { KEY_UP, TK_UP },
        { KEY_DOWN, TK_DOWN },
        { KEY_LEFT, TK_LEFT },
        { KEY_RIGHT, TK_RIGHT },
        { KEY_HOME, TK_HOME },
        { KEY_END, TK_END },
        { KEY_PPAGE, TK_PGUP },
        { KEY_NPAGE, TK_PGDN },
        { KEY_IC, TK_INSERT },
        { KEY_DC, TK_DELETE },
        { KEY_BACKSPACE, TK_BACKSPACE },
        { KEY_BTAB, TK_BTAB },
        { KEY_ENTER, TK_ENTER },
        { KEY_A1, TK_HOME },
        { KEY_C1, TK_END },
        { KEY_A3, TK_PGUP },
        { KEY_C3, TK_PGDN },
        { KEY_FIND, TK_HOME },
        { KEY_SELECT, TK_END },
    };

    if (k >= KEY_F(1) && k <= KEY_F(24))
        return TK_F0 + (k - KEY_F0);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].curses == k)
            return map[i].code;
    return TK_NONE;
}

static long long screen_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool screen_read_mouse(struct tui_key *k)
{
    static long long last_ms;
    static int last_y = -1, last_x = -1;
    MEVENT ev;
    long long now;

    if (getmouse(&ev) != OK)
        return false;
    k->code = TK_MOUSE;
    k->y = ev.y;
    k->x = ev.x;
    if (ev.bstate & BUTTON4_PRESSED) {
        k->mouse = TM_WHEEL_UP;
    } else if (ev.bstate & BUTTON5_PRESSED) {
        k->mouse = TM_WHEEL_DOWN;
    } else if (ev.bstate & BUTTON1_PRESSED) {
        now = screen_ms();
        k->mouse =
            now - last_ms < SCREEN_DOUBLE_MS && ev.y == last_y && ev.x == last_x
                ? TM_DOUBLE
                : TM_CLICK;
        last_ms = k->mouse == TM_DOUBLE ? 0 : now;
        last_y = ev.y;
        last_x = ev.x;
    } else {
        return false;
    }
    return true;
}

static int screen_normalise_char(wint_t c)
{
    if (c == '\r' || c == '\n')
        return TK_ENTER;
    if (c == 127 || c == 8)
        return TK_BACKSPACE;
    return (int)c;
}

bool screen_read_key(struct tui_key *k)
{
    wint_t c, c2;
    int rc;

    for (;;) {
        memset(k, 0, sizeof *k);
        rc = get_wch(&c);
        if (rc == ERR)
            return false;
        if (rc == KEY_CODE_YES) {
            if (c == KEY_MOUSE) {
                if (screen_read_mouse(k))
                    return true;
                continue;
            }
            if (c == KEY_RESIZE)
                continue; /* handled through SIGWINCH */
            k->code = screen_map_keycode((int)c);
            if (k->code != TK_NONE)
                return true;
            continue;
        }
        k->code = screen_normalise_char(c);
        /* ESC followed at once by a character is Alt+character. */
        if (c == 27 && (rc = get_wch(&c2)) != ERR) {
            if (rc == OK && c2 != 27) {
                k->code = screen_normalise_char(c2) | TK_META;
            } else if (rc == KEY_CODE_YES) {
                int code = screen_map_keycode((int)c2);

                if (code != TK_NONE)
                    k->code = code | TK_META;
            }
        }
        return true;
    }
}

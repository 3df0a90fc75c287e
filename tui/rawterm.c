/* Raw terminal mode for remote shells (termios, no curses). */
#include "tui/rawterm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static struct termios rawterm_tio;
static int rawterm_flags = -1;
static volatile sig_atomic_t rawterm_on;

void rawterm_restore_signal_safe(void)
{
    if (!rawterm_on)
        return;
    if (rawterm_flags >= 0)
        fcntl(STDOUT_FILENO, F_SETFL, rawterm_flags);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &rawterm_tio);
}

int rawterm_enter(void)
{
    struct termios raw;

    if (rawterm_on)
        return 0;
    if (tcgetattr(STDIN_FILENO, &rawterm_tio) < 0)
        return -1;
    raw = rawterm_tio;
    cfmakeraw(&raw);
    /* Keep output processing off too: the remote PTY already did it. */
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
        return -1;
    rawterm_flags = fcntl(STDOUT_FILENO, F_GETFL);
    /* stdin and stdout usually share one open file: both go non-blocking. */
    if (rawterm_flags >= 0)
        fcntl(STDOUT_FILENO, F_SETFL, rawterm_flags | O_NONBLOCK);
    rawterm_on = 1;
    return 0;
}

void rawterm_leave(void)
{
    rawterm_restore_signal_safe();
    rawterm_on = 0;
    rawterm_flags = -1;
}

bool rawterm_active(void)
{
    return rawterm_on != 0;
}

static void rawterm_crash(int signo)
{
    rawterm_restore_signal_safe();
    signal(signo, SIG_DFL);
    raise(signo);
}

void rawterm_install_crash_handlers(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = rawterm_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

void rawterm_size(int *cols, int *rows)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
        ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
        return;
    }
    *cols = 80;
    *rows = 24;
}

ssize_t rawterm_write(const char *p, size_t n)
{
    ssize_t w = write(STDOUT_FILENO, p, n);

    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return w;
}

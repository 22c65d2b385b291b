#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/banned.h"

static volatile int current_level = KT_LOG_INFO;

static const char *const level_names[] = {
    [KT_LOG_DEBUG] = "debug",
    [KT_LOG_INFO] = "info",
    [KT_LOG_WARN] = "warn",
    [KT_LOG_ERROR] = "error",
    [KT_LOG_OFF] = "off",
};

void kt_log_set_level(enum kt_log_level level)
{
    current_level = (int)level;
}

enum kt_log_level kt_log_get_level(void)
{
    return (enum kt_log_level)current_level;
}

int kt_log_level_parse(const char *s)
{
    for (int i = 0; i <= KT_LOG_OFF; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

void kt_log(enum kt_log_level level, const char *event, const char *fmt, ...)
{
    if ((int)level < current_level || level >= KT_LOG_OFF)
        return;
    char line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line,
                     "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s event=%s",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000000, level_names[level], event);
    if (n < 0)
        return;
    if (fmt && *fmt && (size_t)n < sizeof line - 2) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
        if (m > 0)
            n += m;
    }
    if ((size_t)n >= sizeof line - 1)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

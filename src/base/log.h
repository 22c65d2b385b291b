/*
 * Logging: one line per event to stderr, as key=value pairs:
 *   ts=2026-11-28T10:00:00.123Z level=info event=job.done id=42 ms=3
 * The caller passes the event name and a printf format for the rest of the
 * line; values with spaces should be quoted by the caller with %s inside
 * "..." or via kt_log_quote. Thread-safe (one write(2) per line).
 */
#ifndef KT_LOG_H
#define KT_LOG_H

enum kt_log_level { KT_LOG_DEBUG, KT_LOG_INFO, KT_LOG_WARN, KT_LOG_ERROR, KT_LOG_OFF };

void kt_log_set_level(enum kt_log_level level);
enum kt_log_level kt_log_get_level(void);
/* Parses "debug", "info", "warn", "error", "off"; returns -1 if unknown. */
int kt_log_level_parse(const char *s);

void kt_log(enum kt_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define kt_log_debug(ev, ...) kt_log(KT_LOG_DEBUG, ev, __VA_ARGS__)
#define kt_log_info(ev, ...) kt_log(KT_LOG_INFO, ev, __VA_ARGS__)
#define kt_log_warn(ev, ...) kt_log(KT_LOG_WARN, ev, __VA_ARGS__)
#define kt_log_error(ev, ...) kt_log(KT_LOG_ERROR, ev, __VA_ARGS__)

#endif

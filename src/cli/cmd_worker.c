#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"
#include "jobs/jobs.h"
#include "base/banned.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* SIGINT and SIGTERM ask the loop to stop after the job in hand. */
static int install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

static int print_once(struct cli *cli, int ran, const struct jobs_stats *js)
{
    if (cli->json)
        return cli_print_json(json_pack("{s:i, s:I, s:I, s:I}", "ran", ran, "pending",
                                        (json_int_t)js->pending, "due", (json_int_t)js->due, "dead",
                                        (json_int_t)js->dead));
    printf("ran %d job%s; %lld pending (%lld due now), %lld dead\n", ran, ran == 1 ? "" : "s",
           (long long)js->pending, (long long)js->due, (long long)js->dead);
    return CLI_EXIT_OK;
}

int cli_cmd_worker(struct cli *cli, int argc, char **argv)
{
    int once = 0;
    const struct cli_opt opts[] = {{.name = "once", .set = &once}};
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("worker", argc, argv, opts, 1, pos, 0, &npos);
    if (rc != 0)
        return rc;

    struct kt_err err;
    kt_err_clear(&err);
    long long poll_ms;
    struct jobs_options o;
    jobs_options_default(&o);
    if (kt_config_get_int(cli->cfg, "worker", "poll_ms", &poll_ms, &err) != 0)
        return cli_error(cli_exit_for(err.code), "%s", err.msg);
    o.poll_ms = poll_ms;
    if (jobs_set_options(&o, &err) != 0)
        return cli_error(cli_exit_for(err.code), "%s", err.msg);

    rc = cli_open_db(cli);
    if (rc == 0)
        rc = cli_require_schema(cli);
    if (rc != 0)
        return rc;

    char id[128];
    jobs_worker_id(id, sizeof id, NULL);
    if (once) {
        int ran = 0;
        struct jobs_stats js;
        if (jobs_run_due(cli->st, id, &ran, &err) != 0)
            return cli_db_error("the worker stopped on a database error", &err);
        if (jobs_stats(cli->st, &js, &err) != 0)
            return cli_db_error("cannot read the job queue", &err);
        return print_once(cli, ran, &js);
    }

    if (install_stop_handlers() != 0)
        return cli_error(CLI_EXIT_INTERNAL, "cannot install the SIGINT/SIGTERM handlers");
    kt_log_info("worker.start", "id=%s poll_ms=%lld", id, poll_ms);
    if (jobs_worker_loop(cli->st, id, &stop_requested, &err) != 0)
        return cli_db_error("the worker stopped on a database error", &err);
    kt_log_info("worker.stop", "id=%s reason=signal", id);
    return CLI_EXIT_OK;
}

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "base/log.h"
#include "cli/cli.h"
#include "jobs/jobs.h"
#include "web/router.h"
#include "web/server.h"
#include "base/banned.h"

static volatile sig_atomic_t worker_stop;

struct worker {
    struct store *st;
    char id[128];
    struct kt_err err;
    int rc;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    kt_err_clear(&w->err);
    w->rc = jobs_worker_loop(w->st, w->id, &worker_stop, &w->err);
    return NULL;
}

static int print_routes(struct cli *cli)
{
    size_t n;
    const struct web_route *r = web_routes(&n);
    if (cli->json)
        return cli_print_json(web_routes_json(r, n));
    for (size_t i = 0; i < n; i++)
        printf("%-6s %-32s %-10s %-6s %-16s %s\n", web_method_name(r[i].method), r[i].pattern,
               web_area_name(r[i].area),
               r[i].auth == WEB_PUBLIC ? "public" : r[i].auth == WEB_USER ? "user" : "staff",
               r[i].perm ? r[i].perm : "-", r[i].summary ? r[i].summary : "");
    return CLI_EXIT_OK;
}

/* Settings the web server and the modules it calls read at start-up. */
static int configure(struct cli *cli, const char *listen, const char *threads,
                     struct web_options *wo)
{
    struct kt_err err;
    kt_err_clear(&err);
    struct access_options ao;
    struct jobs_options jo;
    long long poll_ms;
    access_options_default(&ao);
    jobs_options_default(&jo);
    if ((listen && kt_config_set(cli->cfg, "http", "listen", listen, "--listen", &err) != 0) ||
        (threads && kt_config_set(cli->cfg, "http", "threads", threads, "--threads", &err) != 0) ||
        web_options_from_config(cli->cfg, wo, &err) != 0 ||
        access_options_from_config(cli->cfg, &ao, &err) != 0 ||
        access_set_options(&ao, &err) != 0 ||
        kt_config_get_int(cli->cfg, "worker", "poll_ms", &poll_ms, &err) != 0)
        return cli_error(cli_exit_for(err.code), "%s", err.msg);
    jo.poll_ms = poll_ms;
    if (jobs_set_options(&jo, &err) != 0)
        return cli_error(cli_exit_for(err.code), "%s", err.msg);
    return 0;
}

int cli_cmd_serve(struct cli *cli, int argc, char **argv)
{
    const char *listen = NULL, *threads = NULL;
    int no_worker = 0, routes = 0;
    const struct cli_opt opts[] = {
        {.name = "listen", .value = &listen},
        {.name = "threads", .value = &threads},
        {.name = "no-worker", .set = &no_worker},
        {.name = "routes", .set = &routes},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("serve", argc, argv, opts, sizeof opts / sizeof opts[0], pos, 0,
                            &npos);
    if (rc != 0)
        return rc;
    if (routes)
        return print_routes(cli);

    struct web_options wo;
    rc = configure(cli, listen, threads, &wo);
    if (rc != 0)
        return rc;
    rc = cli_open_db(cli);
    if (rc == 0)
        rc = cli_require_schema(cli);
    if (rc != 0)
        return rc;

    /*
     * SIGINT and SIGTERM are blocked in every thread (the server's and the
     * worker's inherit the mask) and taken by sigwait below, so the stop
     * sequence runs in this thread and not in a signal handler.
     */
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_sigmask(SIG_BLOCK, &stop_set, NULL) != 0)
        return cli_error(CLI_EXIT_INTERNAL, "cannot block SIGINT/SIGTERM");

    struct kt_err err;
    kt_err_clear(&err);
    struct web_server *srv;
    rc = web_server_start(&wo, &srv, &err);
    if (rc != 0)
        return cli_error(rc == KT_EIO ? CLI_EXIT_DATA : cli_exit_for(rc), "%s", err.msg);

    struct worker w = {.st = cli->st};
    pthread_t worker_thread;
    int worker_running = 0;
    if (!no_worker) {
        jobs_worker_id(w.id, sizeof w.id, "serve");
        if (pthread_create(&worker_thread, NULL, worker_main, &w) != 0) {
            web_server_stop(srv);
            return cli_error(CLI_EXIT_INTERNAL, "cannot start the jobs worker thread");
        }
        worker_running = 1;
    }

    char shown[256];
    const char *colon = strrchr(wo.listen, ':');
    snprintf(shown, sizeof shown, "%.*s:%u", (int)(colon - wo.listen), wo.listen,
             web_server_port(srv));
    kt_log_info("http.start", "listen=%s threads=%d worker=%s", shown, wo.threads,
                no_worker ? "off" : "on");
    printf("kontor: serving http://%s/ (stop with Ctrl-C)\n", shown);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop_set, &sig) != 0)
        ;
    kt_log_info("http.stop", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    worker_stop = 1;
    web_server_stop(srv);
    if (worker_running)
        pthread_join(worker_thread, NULL);
    kt_log_info("http.stopped", "msg=\"in-flight requests finished\"");
    if (worker_running && w.rc != 0)
        return cli_db_error("the jobs worker stopped on a database error", &w.err);
    return CLI_EXIT_OK;
}

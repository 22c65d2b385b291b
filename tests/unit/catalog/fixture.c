#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture.h"
#include "base/log.h"
#include "store/migrate.h"
#include "testdb.h"

int fixture_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct kt_err err;
    int applied;
    kt_log_set_level(KT_LOG_WARN);
    if (!f || testdb_create(f->url, sizeof f->url) != 0)
        return -1;
    if (store_open(f->url, &f->st, &err) < 0 || store_migrate(f->st, &applied, &err) < 0) {
        fprintf(stderr, "fixture: %s: %s\n", f->url, err.msg);
        return -1;
    }
    kt_arena_init(&f->arena, 0);
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    struct fixture *f = *state;
    kt_arena_release(&f->arena);
    store_close(f->st);
    testdb_drop(f->url);
    free(f);
    return 0;
}

int64_t fixture_int(struct store *st, const char *sql)
{
    struct kt_err err;
    struct store_stmt *s = NULL;
    if (store_prepare(st, sql, &s, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    int rc = store_step(s, &err);
    if (rc != STORE_ROW)
        fail_msg("%s: %s", sql, rc < 0 ? err.msg : "no row");
    int64_t v = store_col_int64(s, 0);
    store_stmt_done(s);
    return v;
}

void fixture_product(struct catalog_product *p, const char *code, const char *name_pl,
                     const char *ean)
{
    catalog_product_init(p);
    p->code = code;
    p->ean = ean;
    p->text[CATALOG_PL].name = name_pl;
}

int64_t fixture_create(struct store *st, const char *code, const char *name_pl, const char *name_de,
                       const char *ean)
{
    struct catalog_product p;
    struct kt_err err;
    fixture_product(&p, code, name_pl, ean);
    p.text[CATALOG_DE].name = name_de;
    if (catalog_product_create(st, &p, &err) < 0)
        fail_msg("create %s: %s", code, err.msg);
    return p.id;
}

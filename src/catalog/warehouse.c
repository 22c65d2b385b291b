#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "catalog/internal.h"
#include "catalog/warehouse.h"
#include "base/banned.h"

int stock_warehouse_check_code(const char *code, struct kt_err *err)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0)
        return kt_err_set(err, KT_EINVAL, "a warehouse code is required, e.g. MAG1");
    if (n > STOCK_WAREHOUSE_CODE_MAX)
        return kt_err_set(err, KT_EINVAL, "warehouse code '%.40s...' is longer than %d characters",
                          code, STOCK_WAREHOUSE_CODE_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.')
            return kt_err_set(err, KT_EINVAL,
                              "warehouse code '%s' may only hold letters, digits, '-', '_' "
                              "and '.'",
                              code);
    }
    return 0;
}

/* A text field: at most max bytes; required ones must not be empty. */
static int check_field(const char *what, const char *v, size_t max, int required,
                       struct kt_err *err)
{
    size_t n = strlen(v);
    if (required && n == 0)
        return kt_err_set(err, KT_EINVAL, "the warehouse %s is required", what);
    if (n > max)
        return kt_err_set(err, KT_EINVAL, "the warehouse %s is longer than %zu bytes", what, max);
    return 0;
}

static int check_country(const char *c, struct kt_err *err)
{
    if (c[0] == '\0')
        return 0;
    if (strlen(c) != 2 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]))
        return kt_err_set(err, KT_EINVAL,
                          "warehouse country '%s' must be a two-letter ISO 3166 code such as PL",
                          c);
    return 0;
}

int stock_warehouse_create(struct store *st, const struct stock_warehouse *w, int64_t *id,
                           struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc = stock_warehouse_check_code(w->code, err);
    if (rc == 0)
        rc = check_field("name", w->name, STOCK_WAREHOUSE_NAME_MAX, 1, err);
    if (rc == 0)
        rc = check_field("street", w->street, STOCK_WAREHOUSE_STREET_MAX, 0, err);
    if (rc == 0)
        rc = check_field("postal code", w->postal_code, STOCK_WAREHOUSE_POSTAL_MAX, 0, err);
    if (rc == 0)
        rc = check_field("city", w->city, STOCK_WAREHOUSE_CITY_MAX, 0, err);
    if (rc == 0)
        rc = check_country(w->country, err);
    if (rc != 0)
        return rc;
    rc = store_prepare(st,
                       "INSERT INTO warehouses (code, name, street, postal_code, city, country, "
                       "active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                       &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, w->code)) != 0 || (rc = store_bind_text(s, 2, w->name)) != 0 ||
        (rc = store_bind_text(s, 3, w->street)) != 0 ||
        (rc = store_bind_text(s, 4, w->postal_code)) != 0 ||
        (rc = store_bind_text(s, 5, w->city)) != 0 ||
        (rc = store_bind_text(s, 6, w->country[0] ? w->country : "PL")) != 0 ||
        (rc = store_bind_int64(s, 7, w->active ? 1 : 0)) != 0) {
        rc = kt_err_set(err, rc, "cannot create warehouse %s: binding failed", w->code);
        goto out;
    }
    rc = store_step(s, err);
    if (rc == KT_EEXIST) {
        rc = kt_err_set(err, KT_EEXIST, "warehouse %s exists already; pick another code", w->code);
        goto out;
    }
    if (rc < 0) {
        kt_err_prefix(err, "cannot create warehouse %s", w->code);
        goto out;
    }
    if (rc != STORE_ROW) {
        rc = kt_err_set(err, KT_EINTERNAL, "creating warehouse %s returned no id", w->code);
        goto out;
    }
    if (id)
        *id = store_col_int64(s, 0);
    rc = 0;
out:
    store_stmt_done(s);
    return rc;
}

#define WAREHOUSE_COLUMNS "id, code, name, street, postal_code, city, country, active"

static int read_row(struct store_stmt *s, void *row, struct kt_err *err)
{
    struct stock_warehouse *w = row;
    w->id = store_col_int64(s, 0);
    catalog_col_copy(s, 1, w->code, sizeof w->code);
    catalog_col_copy(s, 2, w->name, sizeof w->name);
    catalog_col_copy(s, 3, w->street, sizeof w->street);
    catalog_col_copy(s, 4, w->postal_code, sizeof w->postal_code);
    catalog_col_copy(s, 5, w->city, sizeof w->city);
    catalog_col_copy(s, 6, w->country, sizeof w->country);
    w->active = store_col_int64(s, 7) != 0;
    return 0;
}

int stock_warehouse_get(struct store *st, const char *code, struct stock_warehouse *out,
                        struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc =
        store_prepare(st, "SELECT " WAREHOUSE_COLUMNS " FROM warehouses WHERE code = ?1", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_text(s, 1, code)) != 0) {
        rc = kt_err_set(err, rc, "cannot look up warehouse %s: binding failed", code);
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE)
        rc = kt_err_set(err, KT_ENOTFOUND,
                        "there is no warehouse %s; 'kontor warehouse list' shows them", code);
    else if (rc == STORE_ROW)
        rc = read_row(s, out, err);
out:
    store_stmt_done(s);
    return rc;
}

int stock_warehouse_get_id(struct store *st, int64_t id, struct stock_warehouse *out,
                           struct kt_err *err)
{
    struct store_stmt *s = NULL;
    int rc =
        store_prepare(st, "SELECT " WAREHOUSE_COLUMNS " FROM warehouses WHERE id = ?1", &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, id)) != 0) {
        rc = kt_err_set(err, rc, "cannot look up warehouse %lld: binding failed", (long long)id);
        goto out;
    }
    rc = store_step(s, err);
    if (rc == STORE_DONE)
        rc = kt_err_set(err, KT_ENOTFOUND, "there is no warehouse with id %lld", (long long)id);
    else if (rc == STORE_ROW)
        rc = read_row(s, out, err);
out:
    store_stmt_done(s);
    return rc;
}

int stock_warehouse_list(struct store *st, int include_inactive, struct stock_warehouse **out,
                         size_t *n, struct kt_err *err)
{
    struct store_stmt *s = NULL;
    void *rows = NULL;
    *out = NULL;
    *n = 0;
    int rc = store_prepare(
        st, "SELECT " WAREHOUSE_COLUMNS " FROM warehouses WHERE active = 1 OR ?1 = 1 ORDER BY code",
        &s, err);
    if (rc != 0)
        return rc;
    if ((rc = store_bind_int64(s, 1, include_inactive ? 1 : 0)) != 0) {
        rc = kt_err_set(err, rc, "cannot list warehouses: binding failed");
        goto out;
    }
    rc = catalog_rows_read(s, sizeof **out, read_row, "warehouses", &rows, n, err);
    *out = rows;
out:
    store_stmt_done(s);
    return rc;
}

/*
 * web/api: the JSON API under /api/v1: the conventions every endpoint
 * shares, and the endpoints about the caller and their API tokens.
 *
 * Conventions (docs/api.md):
 *   - bodies are JSON objects (Content-Type: application/json); a member
 *     the endpoint does not declare is a 400 naming it;
 *   - errors are {"error": {"code", "message", "field"}} (router.c);
 *   - lists take ?page= (from 1) and ?per_page= (1..200, default 50) and
 *     answer {"items": [...], "page", "per_page", "total"};
 *   - a record with a version carries ETag: "v<version>"; an update must
 *     send If-Match with that ETag (428 without it); when the record has
 *     moved on the update fails with 412 and changes nothing;
 *   - amounts and quantities are decimal strings ("12.50"), never numbers.
 */
#ifndef KT_WEB_API_H
#define KT_WEB_API_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "web/http.h"

#define WEB_PER_PAGE_DEFAULT 50
#define WEB_PER_PAGE_MAX 200

/* The declared pagination fields, for a route's WEB_FIELDS list. */
#define WEB_PAGE_FIELDS                                                                       \
    {.name = "page", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1, .max = 1000000},     \
    {                                                                                          \
        .name = "per_page", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1,               \
        .max = WEB_PER_PAGE_MAX                                                                \
    }

/* The page and page size asked for (defaults 1 and WEB_PER_PAGE_DEFAULT). */
void web_api_page(const struct web_req *req, int64_t *page, int64_t *per_page);

/* {"items": items, "page", "per_page", "total"}; takes items. */
json_t *web_api_list(json_t *items, int64_t page, int64_t per_page, int64_t total);

/* Sets ETag: "v<version>". */
int web_api_etag(struct web_req *req, struct web_resp *resp, int64_t version);

/*
 * The version the client read, from If-Match ("v12", quoted or weak).
 * 428 (precondition_required) when the header is missing, 400 when it is
 * not one of our ETags; returns the code with req's failure recorded.
 */
int web_api_if_match(struct web_req *req, int64_t *version);

/*
 * JSON written straight into a buffer, for answers on hot paths (a
 * product): no tree is built and freed. The text is what
 * json_dumps(JSON_COMPACT | JSON_ENSURE_ASCII) gives for the same members
 * in the same order. The first error (out of memory, a string that is not
 * UTF-8, nesting deeper than WEB_JW_DEPTH) is kept in rc and later calls
 * do nothing.
 */
#define WEB_JW_DEPTH 8
struct web_jw {
    struct kt_buf *b;
    int rc;
    unsigned depth;
    unsigned char first[WEB_JW_DEPTH + 1]; /* no member yet at this level */
    unsigned char array[WEB_JW_DEPTH + 1]; /* this level is an array */
};
void web_jw_init(struct web_jw *w, struct kt_buf *b);
/* Opens an object or array; key is the member's name, NULL for an element
 * of an array or the outermost value. */
void web_jw_object(struct web_jw *w, const char *key);
void web_jw_array(struct web_jw *w, const char *key);
/* Closes the innermost object or array. */
void web_jw_close(struct web_jw *w);
void web_jw_str(struct web_jw *w, const char *key, const char *v); /* NULL: null */
void web_jw_int(struct web_jw *w, const char *key, int64_t v);
void web_jw_bool(struct web_jw *w, const char *key, int v);
void web_jw_null(struct web_jw *w, const char *key);
/* Answers what w wrote into resp->body (which web_jw_init was given, after
 * a reset) as application/json with status, a newline at the end as
 * web_resp_json; w's error otherwise, recorded in req. */
int web_resp_jw(struct web_req *req, struct web_resp *resp, int status, struct web_jw *w);

/* Route handlers (routes.c). */
int web_api_index(struct web_req *req, struct web_resp *resp);
int web_api_me(struct web_req *req, struct web_resp *resp);
int web_api_tokens_list(struct web_req *req, struct web_resp *resp);
int web_api_token_create(struct web_req *req, struct web_resp *resp);
int web_api_token_revoke(struct web_req *req, struct web_resp *resp);
/* api_parties.c */
struct parties_customer;
/* Fills c (initialised, or the stored customer for an update) from the
 * route's validated customer fields (CUSTOMER_BODY); the absent ones keep
 * c's values. Records the field to blame in req on a bad enum. */
int web_customer_from_body(struct web_req *req, struct parties_customer *c);
/* The customer field a parties message is about ("postal_code"), by the
 * name used in bodies and forms; NULL when it names none. */
const char *web_customer_field_of(const char *msg);
int web_api_customers_list(struct web_req *req, struct web_resp *resp);
int web_api_customer_get(struct web_req *req, struct web_resp *resp);
int web_api_customer_create(struct web_req *req, struct web_resp *resp);
int web_api_customer_update(struct web_req *req, struct web_resp *resp);
/* api_catalog.c */
/* The product field a catalogue message is about ("ean: ..." -> "ean"),
 * by the name used in bodies and forms; NULL when it names none. */
const char *web_product_field_of(const char *msg);
int web_api_suggest_products(struct web_req *req, struct web_resp *resp);
int web_api_products_list(struct web_req *req, struct web_resp *resp);
int web_api_product_get(struct web_req *req, struct web_resp *resp);
int web_api_product_create(struct web_req *req, struct web_resp *resp);
int web_api_product_update(struct web_req *req, struct web_resp *resp);
int web_api_product_stock(struct web_req *req, struct web_resp *resp);
/* api_prices.c */
int web_api_pricelists_list(struct web_req *req, struct web_resp *resp);
int web_api_pricelist_get(struct web_req *req, struct web_resp *resp);
int web_api_pricelist_create(struct web_req *req, struct web_resp *resp);
int web_api_pricelist_items(struct web_req *req, struct web_resp *resp);
int web_api_pricelist_item_put(struct web_req *req, struct web_resp *resp);
int web_api_stock_change(struct web_req *req, struct web_resp *resp);
int web_api_stock_ledger(struct web_req *req, struct web_resp *resp);

#endif

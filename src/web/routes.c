/*
 * The route table: every URL Kontor answers, who may call it and what it
 * reads. The router (router.c) enforces each column before the handler
 * runs; `kontor serve --routes --json` prints the table, and the HTTP tests
 * generate the permission matrix from it (a route they do not know fails
 * them). Keep rows grouped by area, in the order of docs/api.md and
 * docs/web.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "web/api.h"
#include "web/orders_web.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/static.h"
#include "base/banned.h"

/* A product in a request body: the same flat shape as in answers. */
#define PRODUCT_TEXT(lang)                                                                    \
    {.name = "name_" lang, .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 250},            \
        {.name = "short_desc_" lang, .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 1000}, \
        {.name = "long_desc_" lang, .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 65536}
#define PRODUCT_BODY                                                                          \
    {.name = "ean", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 14},                    \
        {.name = "unit", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 20},               \
        {.name = "vat_rate", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 8},            \
        {.name = "pkwiu", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 20},              \
        {.name = "cn_code", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 20},            \
        {.name = "weight_g", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 0,                \
         .max = 1000000000},                                                                  \
        {.name = "group_id", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 1,                \
         .max = INT64_MAX},                                                                   \
        {.name = "active", .type = WEB_BOOL, .from = WEB_FROM_BODY}, PRODUCT_TEXT("pl"),      \
        PRODUCT_TEXT("en"), PRODUCT_TEXT("de")
#define PRODUCT_CODE_PATH                                                                     \
    {.name = "code", .type = WEB_CODE, .from = WEB_FROM_PATH, .required = 1, .max = 40}

/* The product form (pages_catalog.c): every field as text, checked by the
 * router and then by the catalogue's rules, errors shown in the form. */
#define PRODUCT_FORM                                                                          \
    {.name = "name_pl", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 250},               \
        {.name = "name_en", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 250},           \
        {.name = "name_de", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 250},           \
        {.name = "ean", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 14},                \
        {.name = "unit", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 20},               \
        {.name = "vat_rate", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 8},            \
        {.name = "pkwiu", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 20},              \
        {.name = "cn_code", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 20},            \
        {.name = "weight_g", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 0,                \
         .max = 1000000000},                                                                  \
        {.name = "short_desc_pl", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 1000},    \
        {.name = "short_desc_en", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 1000},    \
        {.name = "short_desc_de", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 1000},    \
        {.name = "active", .type = WEB_BOOL, .from = WEB_FROM_BODY}

/* Images of a product, by position (0 = the main image). */
#define IMAGE_N_PATH                                                                          \
    {.name = "n", .type = WEB_INT, .from = WEB_FROM_PATH, .required = 1, .min = 0,            \
     .max = 10000}
#define IMAGE_V_QUERY {.name = "v", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 64}
/* The image a move or removal is about, as the page showed it. */
#define IMAGE_HASH_BODY                                                                       \
    {.name = "hash", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1, .max = 64}

/* A stock change (the product page's form and POST /api/v1/products/{code}/stock). */
#define STOCK_CHANGE_BODY                                                                     \
    {.name = "op", .type = WEB_ENUM, .from = WEB_FROM_BODY, .required = 1,                    \
     .choices = "set|adjust|move"},                                                           \
        {.name = "warehouse", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,         \
         .max = 32},                                                                          \
        {.name = "to_warehouse", .type = WEB_CODE, .from = WEB_FROM_BODY, .max = 32},         \
        {.name = "qty", .type = WEB_QTY, .from = WEB_FROM_BODY, .required = 1},               \
        {.name = "reason", .type = WEB_ENUM, .from = WEB_FROM_BODY,                           \
         .choices = "adjust|receipt|issue|return"},                                           \
        {.name = "doc_ref", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 128}

/* A price list item: the price for quantities from min_qty up, valid from..to. */
#define PRICE_ITEM_BODY                                                                       \
    {.name = "price", .type = WEB_PRICE, .from = WEB_FROM_BODY, .required = 1},               \
        {.name = "min_qty", .type = WEB_QTY, .from = WEB_FROM_BODY},                          \
        {.name = "valid_from", .type = WEB_DATE, .from = WEB_FROM_BODY},                      \
        {.name = "valid_to", .type = WEB_DATE, .from = WEB_FROM_BODY}

/* A customer in a request body (api_parties.c). */
#define CUSTOMER_BODY                                                                         \
    {.name = "name", .type = WEB_STRING, .from = WEB_FROM_BODY, .min = 1, .max = 200},        \
        {.name = "tax_id_kind", .type = WEB_ENUM, .from = WEB_FROM_BODY,                      \
         .choices = "none|nip|eu_vat|foreign"},                                               \
        {.name = "tax_id", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 32},             \
        {.name = "regon", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 14},              \
        {.name = "country", .type = WEB_STRING, .from = WEB_FROM_BODY, .min = 2, .max = 2},   \
        {.name = "lang_override", .type = WEB_ENUM, .from = WEB_FROM_BODY,                    \
         .choices = "auto|pl|en|de"},                                                         \
        {.name = "currency_override", .type = WEB_STRING, .from = WEB_FROM_BODY, .min = 3,    \
         .max = 4},                                                                           \
        {.name = "doc_type_override", .type = WEB_ENUM, .from = WEB_FROM_BODY,                \
         .choices = "auto|domestic|intra_eu|export"},                                         \
        {.name = "payment_days", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 0,            \
         .max = 365},                                                                         \
        {.name = "payment_method", .type = WEB_ENUM, .from = WEB_FROM_BODY,                   \
         .choices = "transfer|cash|cod|card"},                                                \
        {.name = "credit_limit", .type = WEB_MONEY, .from = WEB_FROM_BODY},                   \
        {.name = "street", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},            \
        {.name = "postal_code", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 16},        \
        {.name = "city", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 100},              \
        {.name = "document_email", .type = WEB_EMAIL, .from = WEB_FROM_BODY},                 \
        {.name = "notes", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 2000}
#define CUSTOMER_CODE_PATH                                                                    \
    {.name = "code", .type = WEB_CODE, .from = WEB_FROM_PATH, .required = 1, .max = 32}

#define CUSTOMER_VERSION_BODY                                                                 \
    {.name = "version", .type = WEB_INT, .from = WEB_FROM_BODY, .required = 1, .min = 0,      \
     .max = INT64_MAX}
/* A sub-record (address, contact, bank account, ...) by its id. */
#define RECORD_ID_PATH                                                                        \
    {.name = "id", .type = WEB_INT, .from = WEB_FROM_PATH, .required = 1, .min = 1,           \
     .max = INT64_MAX}

/* A price list in a request body: the page's form and the API. */
#define PRICE_LIST_BODY                                                                       \
    {.name = "code", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1, .max = 32},      \
        {.name = "name", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1, .min = 1,  \
         .max = 128},                                                                         \
        {.name = "currency", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,        \
         .min = 3, .max = 3},                                                                 \
        {.name = "basis", .type = WEB_ENUM, .from = WEB_FROM_BODY, .choices = "net|gross"},   \
        {.name = "is_default", .type = WEB_BOOL, .from = WEB_FROM_BODY}
#define PRICE_LIST_CODE_PATH                                                                  \
    {.name = "code", .type = WEB_CODE, .from = WEB_FROM_PATH, .required = 1, .max = 32}

/* Customer orders (pages_orders.c, api_orders.c, web/orders_web.h). */
#define ORDER_ID_PATH                                                                         \
    {.name = "id", .type = WEB_INT, .from = WEB_FROM_PATH, .required = 1, .min = 1,           \
     .max = INT64_MAX}
#define ORDER_POSITION_PATH                                                                   \
    {.name = "position", .type = WEB_INT, .from = WEB_FROM_PATH, .required = 1, .min = 1,     \
     .max = 10000}
#define ORDER_VERSION_BODY                                                                    \
    {.name = "version", .type = WEB_INT, .from = WEB_FROM_BODY, .required = 1, .min = 0,      \
     .max = INT64_MAX}
#define ORDER_FILTERS                                                                         \
    {.name = "status", .type = WEB_ENUM, .from = WEB_FROM_QUERY,                              \
     .choices = "draft|submitted|confirmed|in_fulfilment|shipped|completed|cancelled"},       \
        {.name = "payment", .type = WEB_ENUM, .from = WEB_FROM_QUERY,                         \
         .choices = "unpaid|partially_paid|paid|overpaid"},                                   \
        {.name = "customer", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 32},            \
        {.name = "source", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 64},            \
        {.name = "from", .type = WEB_DATE, .from = WEB_FROM_QUERY},                           \
        {.name = "to", .type = WEB_DATE, .from = WEB_FROM_QUERY},                             \
        {.name = "number", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 96},            \
        {.name = "po", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 200},               \
        {.name = "product", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 40},             \
        {.name = "partial", .type = WEB_ENUM, .from = WEB_FROM_QUERY, .choices = "yes|no"},   \
        {.name = "sort", .type = WEB_ENUM, .from = WEB_FROM_QUERY,                            \
         .choices = "number|date|customer|total|status"},                                     \
        {.name = "order", .type = WEB_ENUM, .from = WEB_FROM_QUERY, .choices = "asc|desc"}
#define ORDER_HEADER_BODY                                                                     \
    {.name = "customer_po", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},           \
        {.name = "payment_method", .type = WEB_ENUM, .from = WEB_FROM_BODY,                   \
         .choices = "transfer|cash|cod|card"},                                                \
        {.name = "payment_days", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 0,            \
         .max = 365},                                                                         \
        {.name = "shipping_method", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},   \
        {.name = "shipping_cost", .type = WEB_MONEY, .from = WEB_FROM_BODY},                  \
        {.name = "notes_customer", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 2000},   \
        {.name = "notes_internal", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 2000}
/* One line row of the new-order form: product_N, qty_N, price_N. */
#define ORDER_FORM_LINE(n)                                                                    \
    {.name = "product_" n, .type = WEB_CODE, .from = WEB_FROM_BODY, .max = 40},               \
        {.name = "qty_" n, .type = WEB_QTY, .from = WEB_FROM_BODY},                           \
        {.name = "price_" n, .type = WEB_PRICE, .from = WEB_FROM_BODY}

static const struct web_route routes[] = {
    /* ---- infrastructure ---- */
    {
        .method = WEB_GET,
        .pattern = "/healthz",
        .handler = web_page_healthz,
        .area = WEB_AREA_STATIC,
        .auth = WEB_PUBLIC,
        .summary = "200 \"ok\" while the server runs; does not touch the database",
    },
    {
        .method = WEB_GET,
        .pattern = "/static/*",
        .handler = web_static_handler,
        .area = WEB_AREA_STATIC,
        .auth = WEB_PUBLIC,
        .fields = WEB_FIELDS({.name = "v", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 64}),
        .summary = "stylesheet, script and images, with ETag and gzip",
    },

    /* ---- back office: pages ---- */
    {
        .method = WEB_GET,
        .pattern = "/",
        .handler = web_page_root,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_PUBLIC,
        .summary = "to the dashboard, the account page or the login page",
    },
    {
        .method = WEB_GET,
        .pattern = "/login",
        .handler = web_page_login_form,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_PUBLIC,
        .fields = WEB_FIELDS({.name = "next", .type = WEB_STRING, .from = WEB_FROM_QUERY,
                              .max = 1000}),
        .summary = "the login form",
    },
    {
        .method = WEB_POST,
        .pattern = "/login",
        .handler = web_page_login,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_PUBLIC,
        .csrf = WEB_CSRF_LOGIN,
        .fields = WEB_FIELDS(
            {.name = "login", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .min = 1, .max = 254},
            {.name = "password", .type = WEB_SECRET, .from = WEB_FROM_BODY, .required = 1,
             .max = 1024},
            {.name = "next", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 1000}),
        .summary = "log in (throttled per account and address); sets kontor_session",
    },
    {
        .method = WEB_POST,
        .pattern = "/logout",
        .handler = web_page_logout,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_USER,
        .csrf = WEB_CSRF_SESSION,
        .summary = "end the session",
    },
    {
        .method = WEB_GET,
        .pattern = "/lang/{code}",
        .handler = web_page_lang,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_PUBLIC,
        .fields = WEB_FIELDS(
            {.name = "code", .type = WEB_ENUM, .from = WEB_FROM_PATH, .required = 1,
             .choices = "pl|en"},
            {.name = "next", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 1000}),
        .summary = "choose the UI language for this browser (kontor_lang cookie)",
    },
    {
        .method = WEB_GET,
        .pattern = "/dashboard",
        .handler = web_page_dashboard,
        .snapshot = 1,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .summary = "the back-office start page",
    },
    {
        .method = WEB_GET,
        .pattern = "/account",
        .handler = web_page_account,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_USER,
        .summary = "who you are logged in as, with your permissions",
    },

    {
        .method = WEB_GET,
        .pattern = "/products",
        .handler = web_page_products,
        .snapshot = 1,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(
            {.name = "q", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 200},
            {.name = "page", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1, .max = 1000000},
            {.name = "after", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 40},
            {.name = "before", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 40}),
        .summary = "the product list, 20 a page (paged by code: after/before), with search",
    },
    {
        .method = WEB_GET,
        .pattern = "/products/new",
        .handler = web_page_product_new,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .summary = "the form for a new product",
    },
    {
        .method = WEB_POST,
        .pattern = "/products",
        .handler = web_page_product_create,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            {.name = "code", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1, .max = 40},
            PRODUCT_FORM),
        .summary = "create a product from the form",
    },
    {
        .method = WEB_GET,
        .pattern = "/products/{code}",
        .handler = web_page_product,
        .snapshot = 1,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH),
        .summary = "a product with its texts and stock per warehouse",
    },
    {
        .method = WEB_GET,
        .pattern = "/products/{code}/edit",
        .handler = web_page_product_edit,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH),
        .summary = "the form to edit a product",
    },
    {
        .method = WEB_POST,
        .pattern = "/products/{code}",
        .handler = web_page_product_save,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            PRODUCT_CODE_PATH,
            {.name = "version", .type = WEB_INT, .from = WEB_FROM_BODY, .required = 1, .min = 1,
             .max = INT64_MAX},
            PRODUCT_FORM),
        .summary = "save the edit form (refused when someone saved meanwhile)",
    },

    {
        .method = WEB_GET,
        .pattern = "/products/{code}/images/{n}",
        .handler = web_page_image_full,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH, IMAGE_N_PATH, IMAGE_V_QUERY),
        .summary = "an image of a product (0 = main), with ETag; ?v=HASH is cached for a year",
    },
    {
        .method = WEB_GET,
        .pattern = "/products/{code}/images/{n}/thumb",
        .handler = web_page_image_thumb,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH, IMAGE_N_PATH, IMAGE_V_QUERY),
        .summary = "the WebP thumbnail of a product image, with ETag",
    },
    {
        .method = WEB_POST,
        .pattern = "/products/{code}/images",
        .handler = web_page_image_upload,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .multipart = 1,
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH),
        .summary = "upload an image (multipart/form-data, field image; JPEG, PNG or WebP)",
    },
    {
        .method = WEB_POST,
        .pattern = "/products/{code}/images/{n}/move",
        .handler = web_page_image_move,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH, IMAGE_N_PATH, IMAGE_HASH_BODY,
                             {.name = "dir", .type = WEB_ENUM, .from = WEB_FROM_BODY,
                              .required = 1, .choices = "up|down|first"}),
        .summary = "move an image up, down or to the front (the front one is the main image)",
    },
    {
        .method = WEB_POST,
        .pattern = "/products/{code}/images/{n}/delete",
        .handler = web_page_image_delete,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH, IMAGE_N_PATH, IMAGE_HASH_BODY),
        .summary = "remove an image from a product",
    },
    {
        .method = WEB_POST,
        .pattern = "/products/{code}/stock",
        .handler = web_page_stock_change,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "stock.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH, STOCK_CHANGE_BODY),
        .summary = "set, adjust or move the stock of a product (written to the ledger)",
    },
    {
        .method = WEB_POST,
        .pattern = "/products/{code}/prices",
        .handler = web_page_product_price_set,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            PRODUCT_CODE_PATH,
            {.name = "price_list", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 32},
            PRICE_ITEM_BODY),
        .summary = "set the product's price in a price list (for a quantity tier and dates)",
    },

    {
        .method = WEB_GET,
        .pattern = "/customers",
        .handler = web_page_customers,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.read",
        .fields = WEB_FIELDS(
            {.name = "q", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 200},
            {.name = "page", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1, .max = 1000000}),
        .summary = "the customer list, 20 a page, with search by code, name or tax id",
    },
    {
        .method = WEB_GET,
        .pattern = "/customers/new",
        .handler = web_page_customer_new,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .summary = "the form for a new customer",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers",
        .handler = web_page_customer_create,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            {.name = "code", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1, .max = 32},
            CUSTOMER_BODY),
        .summary = "create a customer from the form",
    },
    {
        .method = WEB_GET,
        .pattern = "/customers/{code}",
        .handler = web_page_customer,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.read",
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH),
        .summary = "a customer with addresses, contacts, bank accounts, prices and terms",
    },
    {
        .method = WEB_GET,
        .pattern = "/customers/{code}/edit",
        .handler = web_page_customer_edit,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH),
        .summary = "the form to edit a customer",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}",
        .handler = web_page_customer_save,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH, CUSTOMER_VERSION_BODY, CUSTOMER_BODY),
        .summary = "save the customer form (refused when someone saved meanwhile)",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/addresses",
        .handler = web_page_customer_address_add,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            CUSTOMER_CODE_PATH, CUSTOMER_VERSION_BODY,
            {.name = "label", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 64},
            {.name = "recipient", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},
            {.name = "street", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 200},
            {.name = "postal_code", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 16},
            {.name = "city", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 100},
            {.name = "country", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 2},
            {.name = "is_default", .type = WEB_BOOL, .from = WEB_FROM_BODY}),
        .summary = "add a delivery address",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/addresses/{id}/delete",
        .handler = web_page_customer_address_remove,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH, RECORD_ID_PATH, CUSTOMER_VERSION_BODY),
        .summary = "remove a delivery address",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/contacts",
        .handler = web_page_customer_contact_add,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            CUSTOMER_CODE_PATH, CUSTOMER_VERSION_BODY,
            {.name = "name", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 200},
            {.name = "email", .type = WEB_EMAIL, .from = WEB_FROM_BODY},
            {.name = "phone", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 32},
            {.name = "role", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 64}),
        .summary = "add a contact person",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/contacts/{id}/delete",
        .handler = web_page_customer_contact_remove,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH, RECORD_ID_PATH, CUSTOMER_VERSION_BODY),
        .summary = "remove a contact person",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/bank-accounts",
        .handler = web_page_customer_bank_add,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            CUSTOMER_CODE_PATH, CUSTOMER_VERSION_BODY,
            {.name = "iban", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 50},
            {.name = "bank_name", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200}),
        .summary = "add a bank account (IBAN checked)",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/bank-accounts/{id}/delete",
        .handler = web_page_customer_bank_remove,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH, RECORD_ID_PATH, CUSTOMER_VERSION_BODY),
        .summary = "remove a bank account",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/prices",
        .handler = web_page_customer_price_set,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            CUSTOMER_CODE_PATH,
            {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 40},
            {.name = "price", .type = WEB_PRICE, .from = WEB_FROM_BODY, .required = 1},
            {.name = "currency", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 3},
            {.name = "valid_from", .type = WEB_DATE, .from = WEB_FROM_BODY},
            {.name = "valid_to", .type = WEB_DATE, .from = WEB_FROM_BODY}),
        .summary = "set the customer's own price of a product",
    },
    {
        .method = WEB_POST,
        .pattern = "/customers/{code}/terms",
        .handler = web_page_customer_terms_set,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            CUSTOMER_CODE_PATH,
            {.name = "price_list", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 32},
            {.name = "discount", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 12}),
        .summary = "set the customer's price list and discount",
    },

    {
        .method = WEB_GET,
        .pattern = "/pricelists",
        .handler = web_page_pricelists,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .summary = "every price list",
    },
    {
        .method = WEB_GET,
        .pattern = "/pricelists/new",
        .handler = web_page_pricelist_new,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .summary = "the form for a new price list",
    },
    {
        .method = WEB_POST,
        .pattern = "/pricelists",
        .handler = web_page_pricelist_create,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(PRICE_LIST_BODY),
        .summary = "create a price list from the form",
    },
    {
        .method = WEB_GET,
        .pattern = "/pricelists/{code}",
        .handler = web_page_pricelist,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(
            PRICE_LIST_CODE_PATH,
            {.name = "page", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1, .max = 1000000}),
        .summary = "a price list with its items, 50 a page",
    },
    {
        .method = WEB_POST,
        .pattern = "/pricelists/{code}/items",
        .handler = web_page_pricelist_item_set,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            PRICE_LIST_CODE_PATH,
            {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 40},
            PRICE_ITEM_BODY),
        .summary = "add or change an item of a price list",
    },

    {
        .method = WEB_GET,
        .pattern = "/company",
        .handler = web_page_company,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "admin",
        .summary = "the own company: details, bank accounts per currency, logo",
    },
    {
        .method = WEB_POST,
        .pattern = "/company",
        .handler = web_page_company_save,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "admin",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            {.name = "version", .type = WEB_INT, .from = WEB_FROM_BODY, .required = 1, .min = 0,
             .max = INT64_MAX},
            {.name = "name", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 200},
            {.name = "nip", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1, .max = 32},
            {.name = "regon", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 14},
            {.name = "street", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},
            {.name = "postal_code", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 16},
            {.name = "city", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 100},
            {.name = "country", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 2},
            {.name = "default_warehouse", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 32},
            {.name = "default_lang", .type = WEB_ENUM, .from = WEB_FROM_BODY,
             .choices = "pl|en|de"},
            {.name = "email_from_name", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},
            {.name = "email_from_address", .type = WEB_EMAIL, .from = WEB_FROM_BODY}),
        .summary = "save the company details (refused when someone saved meanwhile)",
    },
    {
        .method = WEB_POST,
        .pattern = "/company/accounts",
        .handler = web_page_company_account_add,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "admin",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            {.name = "currency", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .min = 3, .max = 3},
            {.name = "iban", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 50},
            {.name = "bank_name", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},
            {.name = "swift", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 11},
            {.name = "is_default", .type = WEB_BOOL, .from = WEB_FROM_BODY}),
        .summary = "add a company bank account for a currency",
    },
    {
        .method = WEB_POST,
        .pattern = "/company/accounts/{id}/delete",
        .handler = web_page_company_account_remove,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "admin",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(RECORD_ID_PATH),
        .summary = "remove a company bank account",
    },
    {
        .method = WEB_POST,
        .pattern = "/company/logo",
        .handler = web_page_company_logo_upload,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "admin",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .multipart = 1,
        .summary = "upload the company logo (multipart/form-data, field logo; PNG or JPEG)",
    },
    {
        .method = WEB_GET,
        .pattern = "/company/logo",
        .handler = web_page_company_logo,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_USER,
        .fields = WEB_FIELDS(IMAGE_V_QUERY),
        .summary = "the company logo, with ETag",
    },
    {
        .method = WEB_GET,
        .pattern = "/users",
        .handler = web_page_users,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .summary = "every user with kind, customer, roles and state",
    },
    {
        .method = WEB_GET,
        .pattern = "/users/new",
        .handler = web_page_user_new,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .summary = "the form for a new staff or customer user",
    },
    {
        .method = WEB_POST,
        .pattern = "/users",
        .handler = web_page_user_create,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            {.name = "kind", .type = WEB_ENUM, .from = WEB_FROM_BODY, .required = 1,
             .choices = "staff|customer"},
            {.name = "login", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .min = 2, .max = 254},
            {.name = "name", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 200},
            {.name = "email", .type = WEB_EMAIL, .from = WEB_FROM_BODY},
            {.name = "lang", .type = WEB_ENUM, .from = WEB_FROM_BODY, .choices = "pl|en"},
            {.name = "customer", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 32},
            {.name = "role", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 64},
            {.name = "password", .type = WEB_SECRET, .from = WEB_FROM_BODY, .required = 1,
             .max = 1024}),
        .summary = "create a user with a role and a password (hashed in a hashing slot)",
    },
    {
        .method = WEB_GET,
        .pattern = "/users/{id}",
        .handler = web_page_user,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .fields = WEB_FIELDS(RECORD_ID_PATH),
        .summary = "a user with roles, permissions and the password form",
    },
    {
        .method = WEB_POST,
        .pattern = "/users/{id}/roles",
        .handler = web_page_user_roles,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            RECORD_ID_PATH,
            {.name = "role", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .max = 64},
            {.name = "action", .type = WEB_ENUM, .from = WEB_FROM_BODY,
             .choices = "add|remove"}),
        .summary = "grant or take away a role (only roles of the user's kind)",
    },
    {
        .method = WEB_POST,
        .pattern = "/users/{id}/active",
        .handler = web_page_user_active,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(RECORD_ID_PATH,
                             {.name = "active", .type = WEB_BOOL, .from = WEB_FROM_BODY,
                              .required = 1}),
        .summary = "enable or disable a user (disabling ends their sessions)",
    },
    {
        .method = WEB_POST,
        .pattern = "/users/{id}/password",
        .handler = web_page_user_password,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(RECORD_ID_PATH,
                             {.name = "password", .type = WEB_SECRET, .from = WEB_FROM_BODY,
                              .required = 1, .max = 1024}),
        .summary = "set a user's password (ends their sessions)",
    },
    {
        .method = WEB_GET,
        .pattern = "/roles",
        .handler = web_page_roles,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "users.manage",
        .summary = "the roles with their permissions",
    },

    /* ---- back office: customer orders (pages_orders.c) ---- */
    {
        .method = WEB_GET,
        .pattern = "/orders",
        .handler = web_page_orders,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.read",
        .fields = WEB_FIELDS(ORDER_FILTERS,
                             {.name = "page", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1,
                              .max = 1000000}),
        .summary = "orders with filters and sorting, 25 a page",
    },
    {
        .method = WEB_GET,
        .pattern = "/orders/new",
        .handler = web_page_order_new,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .fields = WEB_FIELDS({.name = "customer", .type = WEB_CODE, .from = WEB_FROM_QUERY,
                              .max = 32}),
        .summary = "the form for a new order",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders",
        .handler = web_page_order_create,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            {.name = "customer", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 32},
            {.name = "customer_po", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},
            {.name = "currency", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 3},
            {.name = "notes_customer", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 2000},
            {.name = "notes_internal", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 2000},
            ORDER_FORM_LINE("1"), ORDER_FORM_LINE("2"), ORDER_FORM_LINE("3"),
            ORDER_FORM_LINE("4"), ORDER_FORM_LINE("5"), ORDER_FORM_LINE("6")),
        .summary = "create an order (up to 6 lines; more are added on its page)",
    },
    {
        .method = WEB_GET,
        .pattern = "/orders/{id}",
        .handler = web_page_order,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.read",
        .fields = WEB_FIELDS(ORDER_ID_PATH),
        .summary = "an order: lines, totals per VAT rate, history, messages and its forms",
    },
    {
        .method = WEB_GET,
        .pattern = "/orders/{id}/edit",
        .handler = web_page_order_edit,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .fields = WEB_FIELDS(ORDER_ID_PATH),
        .summary = "the form for an order's header fields",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}",
        .handler = web_page_order_save,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_VERSION_BODY, ORDER_HEADER_BODY),
        .summary = "save an order's header fields (409 when someone else changed it)",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}/lines",
        .handler = web_page_order_line_add,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(
            ORDER_ID_PATH, ORDER_VERSION_BODY,
            {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 40},
            {.name = "qty", .type = WEB_QTY, .from = WEB_FROM_BODY, .required = 1},
            {.name = "price", .type = WEB_PRICE, .from = WEB_FROM_BODY}),
        .summary = "add a line to an order",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}/lines/{position}",
        .handler = web_page_order_line_save,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_POSITION_PATH, ORDER_VERSION_BODY,
                             {.name = "qty", .type = WEB_QTY, .from = WEB_FROM_BODY,
                              .required = 1},
                             {.name = "price", .type = WEB_PRICE, .from = WEB_FROM_BODY}),
        .summary = "change a line's quantity (and price)",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}/lines/{position}/delete",
        .handler = web_page_order_line_remove,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_POSITION_PATH, ORDER_VERSION_BODY),
        .summary = "remove a line",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}/lines/{position}/map",
        .handler = web_page_order_line_map,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_POSITION_PATH, ORDER_VERSION_BODY,
                             {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY,
                              .required = 1, .max = 40}),
        .summary = "map an unmatched line to a product",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}/confirm",
        .handler = web_page_order_confirm,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_VERSION_BODY),
        .summary = "confirm an order: stock is reserved in the default warehouse",
    },
    {
        .method = WEB_GET,
        .pattern = "/orders/{id}/cancel",
        .handler = web_page_order_cancel_form,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .fields = WEB_FIELDS(ORDER_ID_PATH),
        .summary = "the confirmation step of a cancellation, with a reason",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}/cancel",
        .handler = web_page_order_cancel,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_VERSION_BODY,
                             {.name = "reason", .type = WEB_STRING, .from = WEB_FROM_BODY,
                              .max = 500}),
        .summary = "cancel an order; reservations are released",
    },
    {
        .method = WEB_POST,
        .pattern = "/orders/{id}/messages",
        .handler = web_page_order_message,
        .area = WEB_AREA_BACKOFFICE,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .form = 1,
        .fields = WEB_FIELDS(ORDER_ID_PATH, {.name = "body", .type = WEB_STRING,
                                             .from = WEB_FROM_BODY, .required = 1, .min = 1,
                                             .max = 2000}),
        .summary = "reply in an order's message thread",
    },

    /* ---- JSON API ---- */
    {
        .method = WEB_GET,
        .pattern = "/api/v1",
        .handler = web_api_index,
        .area = WEB_AREA_API,
        .auth = WEB_PUBLIC,
        .summary = "the list of API endpoints",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/me",
        .handler = web_api_me,
        .snapshot = 1,
        .area = WEB_AREA_API,
        .auth = WEB_USER,
        .summary = "the caller: user, kind, language and effective permissions",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/tokens",
        .handler = web_api_tokens_list,
        .area = WEB_AREA_API,
        .auth = WEB_USER,
        .perm = "api",
        .fields = WEB_FIELDS(WEB_PAGE_FIELDS),
        .summary = "the caller's API tokens (never the secrets)",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/tokens",
        .handler = web_api_token_create,
        .area = WEB_AREA_API,
        .auth = WEB_USER,
        .perm = "api",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(
            {.name = "name", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1, .min = 1,
             .max = 200},
            {.name = "scopes", .type = WEB_STRING, .from = WEB_FROM_BODY, .required = 1,
             .min = 1, .max = 1000},
            {.name = "expires_on", .type = WEB_DATE, .from = WEB_FROM_BODY}),
        .summary = "create an API token for the caller; the secret is shown once",
    },
    {
        .method = WEB_DELETE,
        .pattern = "/api/v1/tokens/{id}",
        .handler = web_api_token_revoke,
        .area = WEB_AREA_API,
        .auth = WEB_USER,
        .perm = "api",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS({.name = "id", .type = WEB_INT, .from = WEB_FROM_PATH,
                              .required = 1, .min = 1, .max = INT64_MAX}),
        .summary = "revoke one of the caller's API tokens",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/products",
        .handler = web_api_products_list,
        .snapshot = 1,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(
            WEB_PAGE_FIELDS,
            {.name = "q", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 200},
            {.name = "active", .type = WEB_ENUM, .from = WEB_FROM_QUERY, .choices = "yes|no|any"}),
        .summary = "products by code, or found by code, EAN and name words with ?q=",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/products",
        .handler = web_api_product_create,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(
            {.name = "code", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1, .max = 40},
            PRODUCT_BODY),
        .summary = "create a product",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/customers",
        .handler = web_api_customers_list,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "customers.read",
        .fields = WEB_FIELDS(
            WEB_PAGE_FIELDS,
            {.name = "q", .type = WEB_STRING, .from = WEB_FROM_QUERY, .max = 200},
            {.name = "country", .type = WEB_STRING, .from = WEB_FROM_QUERY, .min = 2, .max = 2},
            {.name = "all", .type = WEB_BOOL, .from = WEB_FROM_QUERY}),
        .summary = "customers by code; ?q= prefix of code, name or tax id",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/customers",
        .handler = web_api_customer_create,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(
            {.name = "code", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1, .max = 32},
            CUSTOMER_BODY),
        .summary = "create a customer",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/customers/{code}",
        .handler = web_api_customer_get,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "customers.read",
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH),
        .summary = "one customer; ETag carries its version",
    },
    {
        .method = WEB_PATCH,
        .pattern = "/api/v1/customers/{code}",
        .handler = web_api_customer_update,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "customers.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(CUSTOMER_CODE_PATH, CUSTOMER_BODY),
        .summary = "change the members sent; needs If-Match",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/suggest/products",
        .handler = web_api_suggest_products,
        .snapshot = 1,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(
            {.name = "q", .type = WEB_STRING, .from = WEB_FROM_QUERY, .required = 1, .min = 1,
             .max = 200},
            {.name = "limit", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1, .max = 100}),
        .summary = "up to 10 (?limit=) active products for a prefix being typed",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/products/{code}",
        .handler = web_api_product_get,
        .snapshot = 1,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH),
        .summary = "one product with its texts; ETag carries its version",
    },
    {
        .method = WEB_PUT,
        .pattern = "/api/v1/products/{code}",
        .handler = web_api_product_update,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH, PRODUCT_BODY),
        .summary = "replace a product's fields and texts; needs If-Match",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/products/{code}/stock",
        .handler = web_api_product_stock,
        .snapshot = 1,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH),
        .summary = "stock of a product per warehouse and in total",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/products/{code}/stock",
        .handler = web_api_stock_change,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "stock.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(PRODUCT_CODE_PATH, STOCK_CHANGE_BODY),
        .summary = "change stock: op set, adjust (with a reason) or move; written to the ledger",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/products/{code}/stock/ledger",
        .handler = web_api_stock_ledger,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(
            PRODUCT_CODE_PATH,
            {.name = "warehouse", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 32},
            {.name = "limit", .type = WEB_INT, .from = WEB_FROM_QUERY, .min = 1, .max = 1000}),
        .summary = "the newest stock changes of a product (?limit=, default 100), oldest first",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/pricelists",
        .handler = web_api_pricelists_list,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(WEB_PAGE_FIELDS),
        .summary = "price lists by code",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/pricelists",
        .handler = web_api_pricelist_create,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(PRICE_LIST_BODY),
        .summary = "create a price list",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/pricelists/{code}",
        .handler = web_api_pricelist_get,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(PRICE_LIST_CODE_PATH),
        .summary = "one price list",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/pricelists/{code}/items",
        .handler = web_api_pricelist_items,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "catalog.read",
        .fields = WEB_FIELDS(
            PRICE_LIST_CODE_PATH, WEB_PAGE_FIELDS,
            {.name = "product", .type = WEB_CODE, .from = WEB_FROM_QUERY, .max = 40}),
        .summary = "the items of a price list (?product= for one product's)",
    },
    {
        .method = WEB_PUT,
        .pattern = "/api/v1/pricelists/{code}/items",
        .handler = web_api_pricelist_item_put,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "prices.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(
            PRICE_LIST_CODE_PATH,
            {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 40},
            PRICE_ITEM_BODY),
        .summary = "set an item: the same product, min_qty and valid_from replace it",
    },
    /* ---- JSON API: customer orders (api_orders.c) ---- */
    {
        .method = WEB_GET,
        .pattern = "/api/v1/orders",
        .handler = web_api_orders_list,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.read",
        .fields = WEB_FIELDS(WEB_PAGE_FIELDS, ORDER_FILTERS),
        .summary = "orders with filters and sorting; has_more instead of a total",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/orders",
        .handler = web_api_order_create,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(
            {.name = "customer", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 32},
            {.name = "lines", .type = WEB_ARRAY, .from = WEB_FROM_BODY, .required = 1, .min = 1,
             .max = 10000},
            {.name = "source", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 64},
            {.name = "external_id", .type = WEB_STRING, .from = WEB_FROM_BODY, .max = 200},
            {.name = "allow_unmatched", .type = WEB_BOOL, .from = WEB_FROM_BODY},
            {.name = "currency", .type = WEB_STRING, .from = WEB_FROM_BODY, .min = 3, .max = 3},
            {.name = "basis", .type = WEB_ENUM, .from = WEB_FROM_BODY, .choices = "net|gross"},
            {.name = "date", .type = WEB_DATE, .from = WEB_FROM_BODY},
            {.name = "submit", .type = WEB_BOOL, .from = WEB_FROM_BODY}, ORDER_HEADER_BODY),
        .summary = "create an order; lines: [{product, qty, price?, discount?}]",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/orders/{id}",
        .handler = web_api_order_get,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.read",
        .fields = WEB_FIELDS(ORDER_ID_PATH),
        .summary = "one order with lines and totals; ETag carries its version",
    },
    {
        .method = WEB_PATCH,
        .pattern = "/api/v1/orders/{id}",
        .handler = web_api_order_update,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_HEADER_BODY),
        .summary = "change header fields; needs If-Match",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/orders/{id}/lines",
        .handler = web_api_order_line_add,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(
            ORDER_ID_PATH,
            {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY, .required = 1,
             .max = 40},
            {.name = "qty", .type = WEB_QTY, .from = WEB_FROM_BODY, .required = 1},
            {.name = "price", .type = WEB_PRICE, .from = WEB_FROM_BODY},
            {.name = "discount", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 0,
             .max = 10000}),
        .summary = "add a line; needs If-Match",
    },
    {
        .method = WEB_PATCH,
        .pattern = "/api/v1/orders/{id}/lines/{position}",
        .handler = web_api_order_line_update,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(
            ORDER_ID_PATH, ORDER_POSITION_PATH,
            {.name = "qty", .type = WEB_QTY, .from = WEB_FROM_BODY},
            {.name = "price", .type = WEB_PRICE, .from = WEB_FROM_BODY},
            {.name = "discount", .type = WEB_INT, .from = WEB_FROM_BODY, .min = 0,
             .max = 10000}),
        .summary = "change a line's quantity, price or discount; needs If-Match",
    },
    {
        .method = WEB_DELETE,
        .pattern = "/api/v1/orders/{id}/lines/{position}",
        .handler = web_api_order_line_remove,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_POSITION_PATH),
        .summary = "remove a line; needs If-Match",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/orders/{id}/lines/{position}/map",
        .handler = web_api_order_map_line,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(ORDER_ID_PATH, ORDER_POSITION_PATH,
                             {.name = "product", .type = WEB_CODE, .from = WEB_FROM_BODY,
                              .required = 1, .max = 40}),
        .summary = "map an unmatched line to a product; needs If-Match",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/orders/{id}/confirm",
        .handler = web_api_order_transition,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(ORDER_ID_PATH, {.name = "warehouse", .type = WEB_CODE,
                                             .from = WEB_FROM_BODY, .max = 32}),
        .summary = "confirm and reserve stock (default warehouse unless named); needs If-Match",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/orders/{id}/cancel",
        .handler = web_api_order_transition,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(ORDER_ID_PATH, {.name = "reason", .type = WEB_STRING,
                                             .from = WEB_FROM_BODY, .max = 500}),
        .summary = "cancel and release reservations; needs If-Match",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/orders/{id}/submit",
        .handler = web_api_order_transition,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(ORDER_ID_PATH),
        .summary = "submit a draft for acceptance; needs If-Match",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/orders/{id}/messages",
        .handler = web_api_order_messages,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.read",
        .fields = WEB_FIELDS(ORDER_ID_PATH),
        .summary = "an order's message thread, oldest first",
    },
    {
        .method = WEB_POST,
        .pattern = "/api/v1/orders/{id}/messages",
        .handler = web_api_order_message_post,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.write",
        .csrf = WEB_CSRF_SESSION,
        .fields = WEB_FIELDS(ORDER_ID_PATH, {.name = "body", .type = WEB_STRING,
                                             .from = WEB_FROM_BODY, .required = 1, .min = 1,
                                             .max = 2000}),
        .summary = "post a message to an order's thread",
    },
    {
        .method = WEB_GET,
        .pattern = "/api/v1/suggest/price",
        .handler = web_api_order_price,
        .area = WEB_AREA_API,
        .auth = WEB_STAFF,
        .perm = "orders.read",
        .fields = WEB_FIELDS(
            {.name = "customer", .type = WEB_CODE, .from = WEB_FROM_QUERY, .required = 1,
             .max = 32},
            {.name = "product", .type = WEB_CODE, .from = WEB_FROM_QUERY, .required = 1,
             .max = 40},
            {.name = "qty", .type = WEB_QTY, .from = WEB_FROM_QUERY},
            {.name = "currency", .type = WEB_STRING, .from = WEB_FROM_QUERY, .min = 3,
             .max = 3}),
        .summary = "the unit price a product gets for a customer (the order form's live price)",
    },
};

const struct web_route *web_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}

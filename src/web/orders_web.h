/*
 * web/orders_web: the customer orders in the back office (pages_orders.c)
 * and in the JSON API (api_orders.c), and what the two share: who acts on
 * an order for a request, and how order numbers, amounts, statuses and
 * lines are written for people and for programs.
 *
 * Orders are addressed by their id in URLs (/orders/17,
 * /api/v1/orders/17): numbers carry slashes (ZK/2026/11/0007). Every rule
 * lives in orders/orders.h; these handlers translate requests and answers.
 * Access: the route table demands orders.read or orders.write; the rights
 * to edit a confirmed order and to give a price by hand follow
 * orders.write (orders_web_actor).
 *
 * Memory: strings returned here live in req->arena.
 */
#ifndef KT_WEB_ORDERS_WEB_H
#define KT_WEB_ORDERS_WEB_H

#include <jansson.h>
#include <stdint.h>

#include "orders/orders.h"
#include "web/http.h"

/* The staff actor for req's user: name = login, rights from orders.write. */
void orders_web_actor(const struct web_req *req, struct orders_actor *actor);

/* v in 1/10^decimals as the API writes numbers: "12.50", "2.5", "-3". */
const char *orders_web_decimal(struct kt_arena *a, int64_t v, int decimals, int min_decimals);

/* The order field a domain message is about ("customer", "lines", ...) by
 * the name used in bodies and forms, or NULL. */
const char *orders_web_field_of(const char *msg);

/* Route handlers (routes.c): pages_orders.c */
int web_page_orders(struct web_req *req, struct web_resp *resp);
int web_page_order_new(struct web_req *req, struct web_resp *resp);
int web_page_order_create(struct web_req *req, struct web_resp *resp);
int web_page_order(struct web_req *req, struct web_resp *resp);
int web_page_order_edit(struct web_req *req, struct web_resp *resp);
int web_page_order_save(struct web_req *req, struct web_resp *resp);
int web_page_order_line_add(struct web_req *req, struct web_resp *resp);
int web_page_order_line_save(struct web_req *req, struct web_resp *resp);
int web_page_order_line_remove(struct web_req *req, struct web_resp *resp);
int web_page_order_line_map(struct web_req *req, struct web_resp *resp);
int web_page_order_confirm(struct web_req *req, struct web_resp *resp);
int web_page_order_cancel_form(struct web_req *req, struct web_resp *resp);
int web_page_order_cancel(struct web_req *req, struct web_resp *resp);
int web_page_order_message(struct web_req *req, struct web_resp *resp);

/* api_orders.c */
int web_api_orders_list(struct web_req *req, struct web_resp *resp);
int web_api_order_get(struct web_req *req, struct web_resp *resp);
int web_api_order_create(struct web_req *req, struct web_resp *resp);
int web_api_order_update(struct web_req *req, struct web_resp *resp);
int web_api_order_line_add(struct web_req *req, struct web_resp *resp);
int web_api_order_line_update(struct web_req *req, struct web_resp *resp);
int web_api_order_line_remove(struct web_req *req, struct web_resp *resp);
int web_api_order_map_line(struct web_req *req, struct web_resp *resp);
int web_api_order_transition(struct web_req *req, struct web_resp *resp);
int web_api_order_messages(struct web_req *req, struct web_resp *resp);
int web_api_order_message_post(struct web_req *req, struct web_resp *resp);
int web_api_order_price(struct web_req *req, struct web_resp *resp);

#endif

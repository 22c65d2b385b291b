/*
 * web/pages: the HTML side of the back office: rendering a page from its
 * Mustache template inside the common layout, the error page, flash
 * messages, and the handlers of the login, logout, language, dashboard and
 * account pages.
 *
 * Every page is rendered against one JSON context (see docs/web.md):
 *   t        the UI catalogue of the request's language ({{t.nav.products}})
 *   lang     "pl" / "en"; langs: the switcher entries
 *   user     {id, name, login, staff} when someone is logged in
 *   csrf     the session's CSRF token for the hidden _csrf field of forms
 *   nav      the left navigation entries the user may use, current marked
 *   assets   {css, js}: versioned URLs of the stylesheet and the script
 *   flash    {kind, text} after a redirect that left a message
 * plus the page's own members. Text is escaped by the templates ({{x}});
 * nothing in this module builds HTML except the last-resort error page used
 * when a template itself fails.
 */
#ifndef KT_WEB_PAGES_H
#define KT_WEB_PAGES_H

#include <jansson.h>

#include "web/http.h"

/*
 * Renders template `name` with the common context plus the members of page
 * (taken: the reference is released) and sets status 200 (or resp->status
 * when a handler set another). A template error becomes the plain error
 * page and is logged; it is not returned as a failure.
 */
int web_page_render(struct web_req *req, struct web_resp *resp, const char *name, json_t *page);

/* The error page for status with message (escaped), in the user's language. */
void web_page_error(struct web_req *req, struct web_resp *resp, int status, const char *code,
                    const char *message);

/*
 * Leaves a message for the next page rendered for this browser: key is a
 * catalogue key under "flash." (e.g. "logged_out"); kind is success,
 * warning or error. Carried in a short-lived cookie.
 */
int web_flash(struct web_req *req, struct web_resp *resp, const char *kind, const char *key);

/* Route handlers (routes.c). */
int web_page_root(struct web_req *req, struct web_resp *resp);
int web_page_login_form(struct web_req *req, struct web_resp *resp);
int web_page_login(struct web_req *req, struct web_resp *resp);
int web_page_logout(struct web_req *req, struct web_resp *resp);
int web_page_lang(struct web_req *req, struct web_resp *resp);
int web_page_dashboard(struct web_req *req, struct web_resp *resp);
int web_page_account(struct web_req *req, struct web_resp *resp);
int web_page_healthz(struct web_req *req, struct web_resp *resp);
/* pages_catalog.c */
int web_page_products(struct web_req *req, struct web_resp *resp);
int web_page_product_new(struct web_req *req, struct web_resp *resp);
int web_page_product_edit(struct web_req *req, struct web_resp *resp);
int web_page_product_create(struct web_req *req, struct web_resp *resp);
int web_page_product_save(struct web_req *req, struct web_resp *resp);
/* pages_product.c */
int web_page_product(struct web_req *req, struct web_resp *resp);
int web_page_image_thumb(struct web_req *req, struct web_resp *resp);
int web_page_image_full(struct web_req *req, struct web_resp *resp);
int web_page_image_upload(struct web_req *req, struct web_resp *resp);
int web_page_image_move(struct web_req *req, struct web_resp *resp);
int web_page_image_delete(struct web_req *req, struct web_resp *resp);
int web_page_stock_change(struct web_req *req, struct web_resp *resp);
int web_page_product_price_set(struct web_req *req, struct web_resp *resp);
/* pages_customers.c */
int web_page_customers(struct web_req *req, struct web_resp *resp);
int web_page_customer_new(struct web_req *req, struct web_resp *resp);
int web_page_customer_create(struct web_req *req, struct web_resp *resp);
int web_page_customer(struct web_req *req, struct web_resp *resp);
int web_page_customer_edit(struct web_req *req, struct web_resp *resp);
int web_page_customer_save(struct web_req *req, struct web_resp *resp);
int web_page_customer_address_add(struct web_req *req, struct web_resp *resp);
int web_page_customer_address_remove(struct web_req *req, struct web_resp *resp);
int web_page_customer_contact_add(struct web_req *req, struct web_resp *resp);
int web_page_customer_contact_remove(struct web_req *req, struct web_resp *resp);
int web_page_customer_bank_add(struct web_req *req, struct web_resp *resp);
int web_page_customer_bank_remove(struct web_req *req, struct web_resp *resp);
int web_page_customer_price_set(struct web_req *req, struct web_resp *resp);
int web_page_customer_terms_set(struct web_req *req, struct web_resp *resp);
/* pages_prices.c */
int web_page_pricelists(struct web_req *req, struct web_resp *resp);
int web_page_pricelist_new(struct web_req *req, struct web_resp *resp);
int web_page_pricelist_create(struct web_req *req, struct web_resp *resp);
int web_page_pricelist(struct web_req *req, struct web_resp *resp);
int web_page_pricelist_item_set(struct web_req *req, struct web_resp *resp);
/* pages_company.c */
int web_page_company(struct web_req *req, struct web_resp *resp);
int web_page_company_save(struct web_req *req, struct web_resp *resp);
int web_page_company_account_add(struct web_req *req, struct web_resp *resp);
int web_page_company_account_remove(struct web_req *req, struct web_resp *resp);
int web_page_company_logo_upload(struct web_req *req, struct web_resp *resp);
int web_page_company_logo(struct web_req *req, struct web_resp *resp);
/* pages_users.c */
int web_page_users(struct web_req *req, struct web_resp *resp);
int web_page_user_new(struct web_req *req, struct web_resp *resp);
int web_page_user_create(struct web_req *req, struct web_resp *resp);
int web_page_user(struct web_req *req, struct web_resp *resp);
int web_page_user_roles(struct web_req *req, struct web_resp *resp);
int web_page_user_active(struct web_req *req, struct web_resp *resp);
int web_page_user_password(struct web_req *req, struct web_resp *resp);
int web_page_roles(struct web_req *req, struct web_resp *resp);

#endif

/*
 * web/multipart: reads a multipart/form-data request body (a form with a
 * file input) with libmicrohttpd's post processor. The body has already
 * been read by the server within [http] max_body, so nothing here can
 * grow past that limit; the post processor parses it in place in small
 * steps and this module collects the plain fields into req->form (decoded
 * text, for the route's declared validators and the CSRF check) and the
 * files into req->uploads.
 *
 * Memory: names, values and file bytes are copied into req->arena.
 */
#ifndef KT_WEB_MULTIPART_H
#define KT_WEB_MULTIPART_H

#include "web/http.h"

/* At most this many fields and files in one body. */
#define WEB_MULTIPART_PARTS_MAX 64

/*
 * Parses req->body (Content-Type multipart/form-data with a boundary).
 * KT_EINVAL with req's failure recorded (400) for a body that is not
 * well-formed multipart, KT_ELIMIT (413) for too many parts.
 */
int web_multipart_parse(struct web_req *req);

#endif

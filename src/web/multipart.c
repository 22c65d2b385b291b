#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "web/multipart.h"
#include "base/banned.h"

#define PP_BUFFER 8192

struct part {
    const char *name;
    const char *filename; /* NULL for a plain field */
    const char *content_type;
    struct kt_buf data;
};

struct collect {
    struct web_req *req;
    struct part parts[WEB_MULTIPART_PARTS_MAX];
    size_t n;
    size_t cap;   /* no part can be larger than the body it came in */
    int too_many; /* more parts than WEB_MULTIPART_PARTS_MAX */
    int failed;   /* out of memory */
};

/* libmicrohttpd hands over each part in pieces: off 0 starts a part. */
static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind;
    (void)transfer_encoding;
    struct collect *c = cls;
    struct part *p = c->n ? &c->parts[c->n - 1] : NULL;
    if (off == 0 || !p || strcmp(p->name, key ? key : "") != 0) {
        if (c->n == WEB_MULTIPART_PARTS_MAX) {
            c->too_many = 1;
            return MHD_NO;
        }
        p = &c->parts[c->n++];
        p->name = kt_arena_strdup(c->req->arena, key ? key : "");
        p->filename = filename ? kt_arena_strdup(c->req->arena, filename) : NULL;
        p->content_type = kt_arena_strdup(c->req->arena, content_type ? content_type : "");
        kt_buf_init(&p->data, c->cap);
        if (!p->name || (filename && !p->filename) || !p->content_type) {
            c->failed = 1;
            return MHD_NO;
        }
    }
    if (size && kt_buf_add(&p->data, data, size) != 0) {
        c->failed = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

static void release(struct collect *c)
{
    for (size_t i = 0; i < c->n; i++)
        kt_buf_release(&c->parts[i].data);
}

int web_multipart_parse(struct web_req *req)
{
    struct collect *c = kt_arena_zalloc(req->arena, sizeof *c);
    if (!c)
        return kt_err_set(&req->err, KT_ENOMEM, "out of memory reading the form");
    c->req = req;
    c->cap = req->body_len + 1;
    struct MHD_PostProcessor *pp = MHD_create_post_processor(req->conn, PP_BUFFER, on_part, c);
    if (!pp)
        return web_fail(req, KT_EINVAL, 400, "invalid_form", NULL,
                        "the form must be sent as multipart/form-data with a boundary");
    enum MHD_Result ok = MHD_post_process(pp, req->body, req->body_len);
    enum MHD_Result done = MHD_destroy_post_processor(pp);
    int rc = 0;
    if (c->too_many)
        rc = web_fail(req, KT_ELIMIT, 413, NULL, NULL, "the form has more than %d parts",
                      WEB_MULTIPART_PARTS_MAX);
    else if (c->failed)
        rc = kt_err_set(&req->err, KT_ENOMEM, "out of memory reading the form");
    else if (ok != MHD_YES || done != MHD_YES)
        rc = web_fail(req, KT_EINVAL, 400, "invalid_form", NULL,
                      "the form body is not well-formed multipart/form-data");
    size_t nfiles = 0, nfields = 0;
    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        if (c->parts[i].filename)
            nfiles++;
        else
            nfields++;
    }
    if (rc == 0) {
        req->form = kt_arena_alloc(req->arena, (nfields ? nfields : 1) * sizeof *req->form);
        req->uploads = kt_arena_alloc(req->arena, (nfiles ? nfiles : 1) * sizeof *req->uploads);
        if (!req->form || !req->uploads)
            rc = kt_err_set(&req->err, KT_ENOMEM, "out of memory reading the form");
    }
    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        struct part *p = &c->parts[i];
        unsigned char *bytes = kt_arena_alloc(req->arena, p->data.len + 1);
        if (!bytes) {
            rc = kt_err_set(&req->err, KT_ENOMEM, "out of memory reading the form");
            break;
        }
        if (p->data.len)
            memcpy(bytes, p->data.data, p->data.len);
        bytes[p->data.len] = '\0';
        if (p->filename) {
            struct web_upload *u = &req->uploads[req->nuploads++];
            u->field = p->name;
            u->filename = p->filename;
            u->content_type = p->content_type;
            u->data = bytes;
            u->len = p->data.len;
        } else {
            /* a field with a NUL inside is cut there; the validators then
             * see text, never hidden bytes */
            req->form[req->nform].name = p->name;
            req->form[req->nform].value = (const char *)bytes;
            req->nform++;
        }
    }
    release(c);
    return rc;
}

/*
 * Mustache compiler, renderer and template cache (see mustache.h).
 *
 * Compiling is three passes over the source:
 *   1. tokenize: find the tags under the current delimiters, check names and
 *      that every section-like tag is closed by its own name;
 *   2. standalone: decide which lines hold only whitespace and tags that
 *      print nothing; such lines disappear from the output (their
 *      indentation becomes the indentation of a partial, parent or block);
 *   3. build: emit the flat node array. A node with children is followed
 *      by them; nchild counts its whole subtree, so the next sibling is
 *      at node + 1 + nchild.
 *
 * Block indentation (~inheritance): a block's content is stored with the
 * block's own indentation removed from every line, and it is re-indented
 * at render time with the indentation of the place where it is expanded.
 * Indentation strings are kept relative to the enclosing block.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "web/mustache.h"
#include "base/banned.h"

#define DELIM_MAX 16
#define INDENT_MAX 256
#define LOAD_DEPTH_MAX 32
#define DIR_DEPTH_MAX 8

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK };

struct node {
    unsigned char kind;
    unsigned char dynamic;    /* partial/parent: name is looked up in the data */
    unsigned char standalone; /* partial/parent/block: its line was removed */
    unsigned nchild;          /* nodes in the subtree below this one */
    unsigned line, col;
    const char *str; /* text, or the name ('*' of a dynamic name excluded) */
    size_t len;
    const char *indent; /* prefix for each line of what this node expands to */
    size_t indent_len;
    const struct mustache_tpl *target; /* static partial/parent, set when linked */
};

struct mustache_tpl {
    char *name;
    char *src;
    struct node *nodes;
    size_t nnodes;
    const struct mustache_cache *cache; /* for dynamic names and links */
};

struct mustache_cache {
    struct mustache_tpl **slot; /* open addressing, power-of-two size */
    size_t nslot, count;
    mustache_loader_fn load;
    void *load_ctx;
};

/* ------------------------------------------------------------------ names */

static int name_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.';
}

#define NAME_RULE                                                                                  \
    "use letters, digits, '_', '-' and '.' in parts separated by single '/', no part "             \
    "starting with '.'"

static int name_ok(const char *name, size_t len)
{
    if (len == 0 || len > MUSTACHE_NAME_MAX)
        return 0;
    int seg_start = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch == '/') {
            if (seg_start)
                return 0;
            seg_start = 1;
            continue;
        }
        if (!name_char(ch) || (seg_start && ch == '.'))
            return 0;
        seg_start = 0;
    }
    return !seg_start;
}

int mustache_name_check(const char *name, size_t len, struct kt_err *err)
{
    if (len == 0 || len > MUSTACHE_NAME_MAX)
        return kt_err_set(err, KT_EINVAL, "a template name must have 1 to %d characters",
                          MUSTACHE_NAME_MAX);
    if (!name_ok(name, len))
        return kt_err_set(err, KT_EINVAL, "template name '%.*s' is not allowed: " NAME_RULE,
                          (int)len, name);
    return 0;
}

/* --------------------------------------------------------------- compiler */

enum tag_kind {
    T_VAR,
    T_RAW,
    T_SECTION,
    T_INVERTED,
    T_CLOSE,
    T_COMMENT,
    T_DELIM,
    T_PARTIAL,
    T_PARENT,
    T_BLOCK
};

struct tag {
    unsigned char kind, dynamic, standalone;
    size_t start, end;     /* the whole tag, delimiters included */
    size_t name, name_len; /* offset and length of the name */
    unsigned line, col;
    size_t match;        /* open tag <-> its close tag */
    size_t ind, ind_len; /* partial/parent: prefix of its standalone line;
                            block: indentation of its content */
};

struct compiler {
    const char *tname;
    const char *src;
    size_t len;
    struct tag *tags;
    size_t ntags, tcap;
    size_t *gs, *ge; /* gap i = text before tag i; gap ntags = after the last */
    struct node *nodes;
    size_t nnodes, ncap;
    struct kt_err *err;
    size_t lc_pos, lc_bol; /* incremental line counting */
    unsigned lc_line;
};

static const char *const kind_word[] = {[T_SECTION] = "section",
                                        [T_INVERTED] = "inverted section",
                                        [T_PARENT] = "parent",
                                        [T_BLOCK] = "block"};

static void locate(struct compiler *c, size_t pos, unsigned *line, unsigned *col)
{
    if (pos < c->lc_pos) {
        c->lc_pos = 0;
        c->lc_bol = 0;
        c->lc_line = 1;
    }
    for (; c->lc_pos < pos; c->lc_pos++)
        if (c->src[c->lc_pos] == '\n') {
            c->lc_line++;
            c->lc_bol = c->lc_pos + 1;
        }
    unsigned n = 1;
    for (size_t i = c->lc_bol; i < pos; i++)
        if (((unsigned char)c->src[i] & 0xC0) != 0x80)
            n++;
    *line = c->lc_line;
    *col = n;
}

static int cerr(struct compiler *c, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int cerr(struct compiler *c, size_t pos, const char *fmt, ...)
{
    unsigned line, col;
    locate(c, pos, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    kt_err_setv(c->err, KT_EINVAL, fmt, ap);
    va_end(ap);
    return kt_err_prefix(c->err, "template %s line %u column %u", c->tname, line, col);
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* memmem is a GNU extension; this is the portable equivalent we need. */
static const char *find_str(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    while (hlen >= nlen) {
        const char *p = memchr(hay, needle[0], hlen - nlen + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, nlen) == 0)
            return p;
        hlen -= (size_t)(p - hay) + 1;
        hay = p + 1;
    }
    return NULL;
}

static void trim(const char *s, size_t *a, size_t *b)
{
    while (*a < *b && is_space(s[*a]))
        (*a)++;
    while (*b > *a && is_space(s[*b - 1]))
        (*b)--;
}

/* Parses "OPEN CLOSE" of a {{=OPEN CLOSE=}} tag. */
static int parse_delims(struct compiler *c, size_t tag, size_t a, size_t b, char *otag,
                        size_t *olen, char *ctag, size_t *clen)
{
    const char *s = c->src;
    trim(s, &a, &b);
    size_t m = a;
    while (m < b && !is_space(s[m]))
        m++;
    size_t d = m;
    while (d < b && is_space(s[d]))
        d++;
    size_t n1 = m - a, n2 = b - d;
    int ok = n1 > 0 && n2 > 0 && n1 <= DELIM_MAX && n2 <= DELIM_MAX;
    for (size_t i = d; ok && i < b; i++)
        ok = !is_space(s[i]);
    ok = ok && !memchr(s + a, '=', n1) && !memchr(s + d, '=', n2);
    if (!ok)
        return cerr(c, tag,
                    "bad delimiter tag: write it as {{=OPEN CLOSE=}} with two delimiters of up "
                    "to %d characters, without spaces or '='",
                    DELIM_MAX);
    memcpy(otag, s + a, n1);
    *olen = n1;
    memcpy(ctag, s + d, n2);
    *clen = n2;
    return 0;
}

/* Checks a data name: "." or dot-separated non-empty parts, no spaces. */
static int check_key(struct compiler *c, size_t tag, size_t a, size_t n)
{
    const char *s = c->src + a;
    for (size_t i = 0; i < n; i++)
        if (is_space(s[i]))
            return cerr(c, tag, "name '%.*s' contains whitespace", (int)n, s);
    if (n == 1 && s[0] == '.')
        return 0;
    for (size_t i = 0; i <= n; i++)
        if ((i == n || s[i] == '.') && (i == 0 || s[i - 1] == '.'))
            return cerr(c, tag, "name '%.*s' has an empty part between dots", (int)n, s);
    return 0;
}

static int push_tag(struct compiler *c, const struct tag *t)
{
    if (c->ntags == c->tcap) {
        size_t ncap = c->tcap ? c->tcap * 2 : 32;
        struct tag *p = realloc(c->tags, ncap * sizeof *p);
        if (!p)
            return kt_err_set(c->err, KT_ENOMEM, "out of memory compiling template %s", c->tname);
        c->tags = p;
        c->tcap = ncap;
    }
    c->tags[c->ntags++] = *t;
    return 0;
}

static int tokenize(struct compiler *c)
{
    const char *s = c->src;
    char otag[DELIM_MAX] = "{{", ctag[DELIM_MAX] = "}}";
    size_t olen = 2, clen = 2;
    size_t stack[MUSTACHE_MAX_DEPTH];
    size_t nstack = 0;
    size_t pos = 0;

    for (;;) {
        const char *o = find_str(s + pos, c->len - pos, otag, olen);
        if (!o)
            break;
        struct tag t = {0};
        t.start = (size_t)(o - s);
        size_t p = t.start + olen;
        char type = p < c->len ? s[p] : '\0';
        char closer[DELIM_MAX + 1];
        size_t closer_len = 0;
        t.kind = T_VAR;
        switch (type) {
        case '{':
            t.kind = T_RAW;
            closer[closer_len++] = '}';
            break;
        case '&':
            t.kind = T_RAW;
            break;
        case '#':
            t.kind = T_SECTION;
            break;
        case '^':
            t.kind = T_INVERTED;
            break;
        case '/':
            t.kind = T_CLOSE;
            break;
        case '!':
            t.kind = T_COMMENT;
            break;
        case '=':
            t.kind = T_DELIM;
            closer[closer_len++] = '=';
            break;
        case '>':
            t.kind = T_PARTIAL;
            break;
        case '<':
            t.kind = T_PARENT;
            break;
        case '$':
            t.kind = T_BLOCK;
            break;
        default:
            break;
        }
        if (t.kind != T_VAR)
            p++;
        memcpy(closer + closer_len, ctag, clen);
        closer_len += clen;
        const char *q = p <= c->len ? find_str(s + p, c->len - p, closer, closer_len) : NULL;
        if (!q)
            return cerr(c, t.start, "tag '%.*s' is not closed with '%.*s'", (int)(p - t.start),
                        s + t.start, (int)closer_len, closer);
        size_t a = p, b = (size_t)(q - s);
        t.end = b + closer_len;
        locate(c, t.start, &t.line, &t.col);

        if (t.kind == T_DELIM) {
            int rc = parse_delims(c, t.start, a, b, otag, &olen, ctag, &clen);
            if (rc)
                return rc;
        } else if (t.kind != T_COMMENT) {
            trim(s, &a, &b);
            if ((t.kind == T_PARTIAL || t.kind == T_PARENT || t.kind == T_CLOSE) && a < b &&
                s[a] == '*') {
                t.dynamic = 1;
                a++;
                trim(s, &a, &b);
            }
            if (a == b)
                return cerr(c, t.start, "tag '%.*s' has no name", (int)(t.end - t.start),
                            s + t.start);
            t.name = a;
            t.name_len = b - a;
            int rc = 0;
            if ((t.kind == T_PARTIAL || t.kind == T_PARENT) && !t.dynamic) {
                if (!name_ok(s + a, b - a))
                    return cerr(c, t.start, "%s name '%.*s' is not allowed: " NAME_RULE,
                                t.kind == T_PARTIAL ? "partial" : "parent",
                                (int)(b - a > 80 ? 80 : b - a), s + a);
            } else if (t.kind != T_BLOCK && t.kind != T_CLOSE) {
                rc = check_key(c, t.start, a, b - a);
            } else {
                for (size_t i = a; i < b && !rc; i++)
                    if (is_space(s[i]))
                        rc = cerr(c, t.start, "name '%.*s' contains whitespace", (int)(b - a),
                                  s + a);
            }
            if (rc)
                return rc;
        }

        if (t.kind == T_SECTION || t.kind == T_INVERTED || t.kind == T_PARENT ||
            t.kind == T_BLOCK) {
            if (nstack == MUSTACHE_MAX_DEPTH)
                return cerr(c, t.start, "sections are nested deeper than %d levels",
                            MUSTACHE_MAX_DEPTH);
            stack[nstack++] = c->ntags;
        } else if (t.kind == T_CLOSE) {
            if (nstack == 0)
                return cerr(c, t.start, "'%.*s' closes nothing: no section is open",
                            (int)(t.end - t.start), s + t.start);
            struct tag *op = &c->tags[stack[nstack - 1]];
            int same = op->dynamic == t.dynamic && op->name_len == t.name_len &&
                       memcmp(s + op->name, s + t.name, t.name_len) == 0;
            /* {{#*x}} is a section named "*x": its close tag reads as dynamic. */
            if (!same && t.dynamic && !op->dynamic)
                same = op->name_len == t.name_len + 1 && s[op->name] == '*' &&
                       memcmp(s + op->name + 1, s + t.name, t.name_len) == 0;
            if (!same)
                return cerr(
                    c, t.start, "'%.*s' does not close %s '%s%.*s' opened at line %u column %u",
                    (int)(t.end - t.start), s + t.start, kind_word[op->kind],
                    op->dynamic ? "*" : "", (int)op->name_len, s + op->name, op->line, op->col);
            t.match = stack[--nstack];
            op->match = c->ntags;
        }
        int rc = push_tag(c, &t);
        if (rc)
            return rc;
        pos = t.end;
    }
    if (nstack) {
        const struct tag *op = &c->tags[stack[nstack - 1]];
        return cerr(c, op->start, "%s '%s%.*s' is not closed", kind_word[op->kind],
                    op->dynamic ? "*" : "", (int)op->name_len, s + op->name);
    }
    return 0;
}

static int prints_nothing(unsigned char kind)
{
    return kind != T_VAR && kind != T_RAW;
}

/* Tags first..last-1 are alone on a line: may the line disappear? */
static int standalone_group(const struct compiler *c, size_t first, size_t last)
{
    if (last - first == 1)
        return prints_nothing(c->tags[first].kind);
    /*
     * Several tags on one line: only inheritance tags ({{<parent}}{{$block}},
     * {{/block}}{{/parent}}, {{<parent}}{{/parent}}). A block opened and
     * closed on the same line is a place where content goes, like {{x}}.
     */
    for (size_t i = first; i < last; i++) {
        const struct tag *t = &c->tags[i];
        unsigned char k = t->kind == T_CLOSE ? c->tags[t->match].kind : t->kind;
        if (k != T_PARENT && k != T_BLOCK && t->kind != T_COMMENT)
            return 0;
        if (t->kind == T_BLOCK && t->match < last)
            return 0;
    }
    return 1;
}

static void find_standalone(struct compiler *c)
{
    const char *s = c->src;
    size_t line = 0, k = 0;
    while (k < c->ntags) {
        size_t pos = line, j = k;
        int ok = 1;
        while (j < c->ntags) {
            size_t a = pos, b = c->tags[j].start;
            if (memchr(s + a, '\n', b - a))
                break;
            for (size_t i = a; i < b && ok; i++)
                ok = is_blank(s[i]);
            if (!ok)
                break;
            pos = c->tags[j].end;
            j++;
        }
        size_t tail = pos;
        if (ok && j > k) {
            while (tail < c->len && is_blank(s[tail]))
                tail++;
            if (tail < c->len && s[tail] == '\n')
                tail++;
            else if (tail + 1 < c->len && s[tail] == '\r' && s[tail + 1] == '\n')
                tail += 2;
            else if (tail < c->len)
                ok = 0;
        }
        if (ok && j > k && standalone_group(c, k, j)) {
            size_t next = tail;
            while (next < c->len && is_blank(s[next]))
                next++;
            for (size_t i = k; i < j; i++) {
                struct tag *t = &c->tags[i];
                t->standalone = 1;
                if (t->kind == T_PARTIAL || t->kind == T_PARENT) {
                    t->ind = line;
                    t->ind_len = c->tags[k].start - line;
                } else if (t->kind == T_BLOCK) {
                    t->ind = tail;
                    t->ind_len = next - tail;
                }
                if (i > k)
                    c->gs[i] = c->ge[i];
            }
            c->ge[k] = line;
            c->gs[j] = tail;
            line = tail;
            k = j;
            continue;
        }
        /* Not standalone: go on after the next newline that is not in a tag. */
        pos = line;
        for (;;) {
            size_t b = k < c->ntags ? c->tags[k].start : c->len;
            const char *nl = pos < b ? memchr(s + pos, '\n', b - pos) : NULL;
            if (nl) {
                line = (size_t)(nl - s) + 1;
                break;
            }
            if (k == c->ntags)
                return;
            pos = c->tags[k].end;
            k++;
        }
    }
}

/* A block that is not standalone but has only blanks before it on its line. */
static void find_inline_block_indent(struct compiler *c)
{
    for (size_t i = 0; i < c->ntags; i++) {
        struct tag *t = &c->tags[i];
        if (t->kind != T_BLOCK || t->standalone)
            continue;
        size_t p = t->start;
        while (p > 0 && is_blank(c->src[p - 1]))
            p--;
        if (p == 0 || c->src[p - 1] == '\n') {
            t->ind = p;
            t->ind_len = t->start - p;
        }
    }
}

static struct node *add_node(struct compiler *c, unsigned char kind)
{
    if (c->nnodes == c->ncap) {
        size_t ncap = c->ncap ? c->ncap * 2 : 32;
        struct node *p = realloc(c->nodes, ncap * sizeof *p);
        if (!p) {
            kt_err_set(c->err, KT_ENOMEM, "out of memory compiling template %s", c->tname);
            return NULL;
        }
        c->nodes = p;
        c->ncap = ncap;
    }
    struct node *n = &c->nodes[c->nnodes++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

/* Bytes at s that match the dedent string d (a prefix of it). */
static size_t dedent_len(const char *s, size_t n, const char *d, size_t dlen)
{
    size_t k = 0;
    while (k < dlen && k < n && s[k] == d[k])
        k++;
    return k;
}

static int emit_text(struct compiler *c, size_t a, size_t b, const char *ded, size_t dlen)
{
    const char *s = c->src;
    while (a < b) {
        size_t end = b;
        if (dlen) {
            if (a == 0 || s[a - 1] == '\n')
                a += dedent_len(s + a, b - a, ded, dlen);
            const char *nl = memchr(s + a, '\n', b - a);
            if (nl)
                end = (size_t)(nl - s) + 1;
        }
        if (end > a) {
            struct node *last = c->nnodes ? &c->nodes[c->nnodes - 1] : NULL;
            if (last && last->kind == N_TEXT && last->str + last->len == s + a) {
                last->len += end - a;
            } else {
                struct node *n = add_node(c, N_TEXT);
                if (!n)
                    return KT_ENOMEM;
                n->str = s + a;
                n->len = end - a;
            }
        }
        a = end;
    }
    return 0;
}

struct open {
    size_t node;
    const char *ded;
    size_t dlen;
};

static int build(struct compiler *c)
{
    const char *s = c->src;
    struct open stack[MUSTACHE_MAX_DEPTH];
    size_t nstack = 0;
    const char *ded = NULL; /* dedent of the innermost block */
    size_t dlen = 0;

    for (size_t i = 0;; i++) {
        int in_parent = nstack && c->nodes[stack[nstack - 1].node].kind == N_PARENT;
        /* Text directly inside a parent is ignored: only its blocks count. */
        if (!in_parent) {
            int rc = emit_text(c, c->gs[i], c->ge[i], ded, dlen);
            if (rc)
                return rc;
        }
        if (i == c->ntags)
            break;
        const struct tag *t = &c->tags[i];
        if (in_parent && t->kind != T_BLOCK && t->kind != T_CLOSE && t->kind != T_COMMENT &&
            t->kind != T_DELIM) {
            const struct node *p = &c->nodes[stack[nstack - 1].node];
            return cerr(c, t->start, "only blocks may be inside parent '%.*s', not '%.*s'",
                        (int)p->len, p->str, (int)(t->end - t->start), s + t->start);
        }
        if (t->kind == T_COMMENT || t->kind == T_DELIM)
            continue;
        if (t->kind == T_CLOSE) {
            struct open *op = &stack[--nstack];
            c->nodes[op->node].nchild = (unsigned)(c->nnodes - op->node - 1);
            ded = op->ded;
            dlen = op->dlen;
            continue;
        }
        static const unsigned char node_kind[] = {
            [T_VAR] = N_VAR,           [T_RAW] = N_RAW,         [T_SECTION] = N_SECTION,
            [T_INVERTED] = N_INVERTED, [T_PARTIAL] = N_PARTIAL, [T_PARENT] = N_PARENT,
            [T_BLOCK] = N_BLOCK};
        struct node *n = add_node(c, node_kind[t->kind]);
        if (!n)
            return KT_ENOMEM;
        n->str = s + t->name;
        n->len = t->name_len;
        n->dynamic = t->dynamic;
        n->line = t->line;
        n->col = t->col;
        if (t->kind == T_PARTIAL || t->kind == T_PARENT || t->kind == T_BLOCK) {
            n->standalone = t->standalone;
            if (t->ind_len) {
                size_t skip = dedent_len(s + t->ind, t->ind_len, ded, dlen);
                n->indent = s + t->ind + skip;
                n->indent_len = t->ind_len - skip;
            }
        }
        if (t->kind == T_SECTION || t->kind == T_INVERTED || t->kind == T_PARENT ||
            t->kind == T_BLOCK) {
            stack[nstack].node = c->nnodes - 1;
            stack[nstack].ded = ded;
            stack[nstack].dlen = dlen;
            nstack++;
            if (t->kind == T_BLOCK && t->ind_len) {
                ded = s + t->ind;
                dlen = t->ind_len;
            }
        }
    }
    return 0;
}

static int compile(const char *name, const char *src, size_t len, struct mustache_tpl **out,
                   struct kt_err *err)
{
    struct compiler c = {0};
    struct mustache_tpl *t = calloc(1, sizeof *t);
    int rc = KT_ENOMEM;
    *out = NULL;
    if (!t)
        goto nomem;
    t->name = strdup(name);
    t->src = malloc(len + 1);
    if (!t->name || !t->src)
        goto nomem;
    memcpy(t->src, src, len);
    t->src[len] = '\0';

    c.tname = name;
    c.src = t->src;
    c.len = len;
    c.err = err;
    c.lc_line = 1;
    rc = tokenize(&c);
    if (rc)
        goto out;
    c.gs = malloc((c.ntags + 1) * sizeof *c.gs);
    c.ge = malloc((c.ntags + 1) * sizeof *c.ge);
    if (!c.gs || !c.ge) {
        rc = KT_ENOMEM;
        goto nomem;
    }
    for (size_t i = 0; i <= c.ntags; i++) {
        c.gs[i] = i ? c.tags[i - 1].end : 0;
        c.ge[i] = i < c.ntags ? c.tags[i].start : len;
    }
    find_standalone(&c);
    find_inline_block_indent(&c);
    rc = build(&c);
    if (rc)
        goto out;
    t->nodes = c.nodes;
    t->nnodes = c.nnodes;
    c.nodes = NULL;
    *out = t;
    t = NULL;
    goto out;
nomem:
    rc = kt_err_set(err, KT_ENOMEM, "out of memory compiling template %s", name);
out:
    free(c.tags);
    free(c.gs);
    free(c.ge);
    free(c.nodes);
    mustache_tpl_free(t);
    return rc;
}

void mustache_tpl_free(struct mustache_tpl *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->src);
    free(t->nodes);
    free(t);
}

const char *mustache_tpl_name(const struct mustache_tpl *t)
{
    return t->name;
}

/* ----------------------------------------------------------------- cache */

static size_t hash_name(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static struct mustache_tpl *find_n(const struct mustache_cache *c, const char *name, size_t n)
{
    if (!c || c->nslot == 0)
        return NULL;
    for (size_t i = hash_name(name, n) & (c->nslot - 1);; i = (i + 1) & (c->nslot - 1)) {
        struct mustache_tpl *t = c->slot[i];
        if (!t)
            return NULL;
        if (strncmp(t->name, name, n) == 0 && t->name[n] == '\0')
            return t;
    }
}

const struct mustache_tpl *mustache_cache_find(const struct mustache_cache *c, const char *name)
{
    return find_n(c, name, strlen(name));
}

size_t mustache_cache_count(const struct mustache_cache *c)
{
    return c->count;
}

static int insert(struct mustache_cache *c, struct mustache_tpl *t, struct kt_err *err)
{
    if ((c->count + 1) * 10 > c->nslot * 7) {
        size_t nslot = c->nslot ? c->nslot * 2 : 64;
        struct mustache_tpl **slot = calloc(nslot, sizeof *slot);
        if (!slot)
            return kt_err_set(err, KT_ENOMEM, "out of memory adding template %s", t->name);
        for (size_t i = 0; i < c->nslot; i++) {
            struct mustache_tpl *u = c->slot[i];
            if (!u)
                continue;
            size_t j = hash_name(u->name, strlen(u->name)) & (nslot - 1);
            while (slot[j])
                j = (j + 1) & (nslot - 1);
            slot[j] = u;
        }
        free(c->slot);
        c->slot = slot;
        c->nslot = nslot;
    }
    size_t j = hash_name(t->name, strlen(t->name)) & (c->nslot - 1);
    while (c->slot[j])
        j = (j + 1) & (c->nslot - 1);
    c->slot[j] = t;
    c->count++;
    t->cache = c;
    return 0;
}

int mustache_cache_new(struct mustache_cache **out, mustache_loader_fn load, void *load_ctx,
                       struct kt_err *err)
{
    struct mustache_cache *c = calloc(1, sizeof *c);
    if (!c)
        return kt_err_set(err, KT_ENOMEM, "out of memory creating the template cache");
    c->load = load;
    c->load_ctx = load_ctx;
    *out = c;
    return 0;
}

void mustache_cache_free(struct mustache_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nslot; i++)
        mustache_tpl_free(c->slot[i]);
    free(c->slot);
    free(c);
}

/* Collects errors: the first one is kept, each one is logged if asked. */
struct report {
    struct kt_err first;
    int count;
    int log;
};

static void report(struct report *rep, const struct kt_err *e)
{
    if (rep->log)
        kt_log_error("template.error", "msg=\"%s\"", e->msg);
    if (rep->count++ == 0)
        rep->first = *e;
}

static int in_list(char *const *list, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(list[i], name, len) == 0 && list[i][len] == '\0')
            return 1;
    return 0;
}

/*
 * Points every static partial and parent of t at its template in c. A
 * missing parent is an error; a missing partial only when `strict`. Names
 * in `failed` have their own error already and are not reported again.
 */
static void link_tpl(const struct mustache_cache *c, struct mustache_tpl *t, int strict,
                     char *const *failed, size_t nfailed, const char *dir, struct report *rep)
{
    for (size_t i = 0; i < t->nnodes; i++) {
        struct node *n = &t->nodes[i];
        if ((n->kind != N_PARTIAL && n->kind != N_PARENT) || n->dynamic)
            continue;
        n->target = find_n(c, n->str, n->len);
        if (n->target || in_list(failed, nfailed, n->str, n->len))
            continue;
        if (n->kind == N_PARENT || strict) {
            struct kt_err e;
            kt_err_set(&e, KT_ENOTFOUND, "template %s line %u column %u: %s '%.*s' not found%s%s%s",
                       t->name, n->line, n->col, n->kind == N_PARENT ? "parent" : "partial",
                       (int)n->len, n->str, dir ? " (no such .mustache file in " : "",
                       dir ? dir : "", dir ? ")" : "");
            report(rep, &e);
        }
    }
}

int mustache_compile(const struct mustache_cache *partials, const char *name, const char *src,
                     size_t len, struct mustache_tpl **out, struct kt_err *err)
{
    struct mustache_tpl *t = NULL;
    int rc = compile(name, src, len, &t, err);
    if (rc)
        return rc;
    struct report rep = {.count = 0};
    t->cache = partials;
    link_tpl(partials, t, 0, NULL, 0, NULL, &rep);
    if (rep.count) {
        mustache_tpl_free(t);
        *err = rep.first;
        return rep.first.code;
    }
    *out = t;
    return 0;
}

static int load_source(struct mustache_cache *c, const char *name, struct kt_buf *src,
                       struct kt_err *err)
{
    int rc = mustache_name_check(name, strlen(name), err);
    if (rc)
        return rc;
    if (!c->load)
        return KT_ENOTFOUND;
    return c->load(c->load_ctx, name, src, err);
}

static int add_depth(struct mustache_cache *c, const char *name, const char *src, size_t len,
                     int depth, struct kt_err *err)
{
    if (find_n(c, name, strlen(name)))
        return kt_err_set(err, KT_EEXIST, "template %s is already loaded", name);
    struct mustache_tpl *t = NULL;
    int rc = compile(name, src, len, &t, err);
    if (rc)
        return rc;
    rc = insert(c, t, err);
    if (rc) {
        mustache_tpl_free(t);
        return rc;
    }
    for (size_t i = 0; i < t->nnodes; i++) {
        const struct node *n = &t->nodes[i];
        if ((n->kind != N_PARTIAL && n->kind != N_PARENT) || n->dynamic || !c->load ||
            find_n(c, n->str, n->len))
            continue;
        if (depth >= LOAD_DEPTH_MAX)
            return kt_err_set(err, KT_ELIMIT,
                              "template %s line %u column %u: partials include each other more "
                              "than %d levels deep",
                              t->name, n->line, n->col, LOAD_DEPTH_MAX);
        char ref[MUSTACHE_NAME_MAX + 1];
        memcpy(ref, n->str, n->len);
        ref[n->len] = '\0';
        struct kt_buf b;
        kt_buf_init(&b, MUSTACHE_FILE_MAX);
        struct kt_err e;
        kt_err_clear(&e);
        rc = c->load(c->load_ctx, ref, &b, &e);
        if (rc == 0)
            rc = add_depth(c, ref, kt_buf_str(&b), b.len, depth + 1, err);
        else if (rc != KT_ENOTFOUND)
            kt_err_set(err, rc, "template %s line %u column %u: %s", t->name, n->line, n->col,
                       e.msg);
        kt_buf_release(&b);
        if (rc && rc != KT_ENOTFOUND)
            return rc;
    }
    struct report rep = {.count = 0};
    link_tpl(c, t, 0, NULL, 0, NULL, &rep);
    if (rep.count) {
        *err = rep.first;
        return rep.first.code;
    }
    return 0;
}

int mustache_cache_add(struct mustache_cache *c, const char *name, const char *src, size_t len,
                       struct kt_err *err)
{
    return add_depth(c, name, src, len, 0, err);
}

int mustache_cache_load(struct mustache_cache *c, const char *name, const struct mustache_tpl **out,
                        struct kt_err *err)
{
    struct kt_buf b;
    kt_buf_init(&b, MUSTACHE_FILE_MAX);
    int rc = 0;
    *out = mustache_cache_find(c, name);
    if (*out)
        goto out;
    rc = load_source(c, name, &b, err);
    if (rc == KT_ENOTFOUND)
        rc = kt_err_set(err, KT_ENOTFOUND, "template %s not found", name);
    if (rc)
        goto out;
    rc = add_depth(c, name, kt_buf_str(&b), b.len, 0, err);
    if (rc)
        goto out;
    *out = mustache_cache_find(c, name);
out:
    kt_buf_release(&b);
    return rc;
}

/* --------------------------------------------------------------- load_dir */

struct names {
    char **v;
    size_t n, cap;
};

static int names_add(struct names *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return KT_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = strdup(s);
    if (!l->v[l->n])
        return KT_ENOMEM;
    l->n++;
    return 0;
}

static void names_release(struct names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, struct kt_buf *b, struct kt_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kt_err_set(err, errno == ENOENT ? KT_ENOTFOUND : KT_EIO, "cannot open %s: %s", path,
                          strerror(errno));
    char chunk[16384];
    size_t n;
    int rc = 0;
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (kt_buf_add(b, chunk, n))
            rc = kt_err_set(err, KT_ELIMIT, "%s is larger than %zu bytes", path,
                            (size_t)MUSTACHE_FILE_MAX);
    if (!rc && ferror(f))
        rc = kt_err_set(err, KT_EIO, "cannot read %s: %s", path, strerror(errno));
    fclose(f);
    return rc;
}

/* Appends the names of DIR/PREFIX*.mustache files, recursing into folders. */
static int walk(const char *dir, const char *prefix, int depth, struct names *out,
                struct kt_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, prefix);
    DIR *d = opendir(path);
    if (!d)
        return kt_err_set(err, KT_EIO, "cannot read template folder %s: %s", path, strerror(errno));
    int rc = 0;
    struct dirent *de;
    while (!rc && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char rel[MUSTACHE_NAME_MAX + 32], full[4096 + 256];
        if (snprintf(rel, sizeof rel, "%s%s", prefix, de->d_name) >= (int)sizeof rel) {
            rc = kt_err_set(err, KT_EINVAL, "template path %s%s is too long", prefix, de->d_name);
            break;
        }
        snprintf(full, sizeof full, "%s/%s", dir, rel);
        struct stat st;
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth >= DIR_DEPTH_MAX) {
                rc = kt_err_set(err, KT_ELIMIT, "template folders nested deeper than %d at %s",
                                DIR_DEPTH_MAX, full);
                break;
            }
            size_t n = strlen(rel);
            rel[n] = '/';
            rel[n + 1] = '\0';
            rc = walk(dir, rel, depth + 1, out, err);
        } else if (S_ISREG(st.st_mode)) {
            size_t n = strlen(rel), sl = strlen(".mustache");
            if (n > sl && strcmp(rel + n - sl, ".mustache") == 0) {
                rel[n - sl] = '\0';
                if (names_add(out, rel))
                    rc = kt_err_set(err, KT_ENOMEM, "out of memory listing templates");
            }
        }
    }
    closedir(d);
    return rc;
}

int mustache_cache_load_dir(struct mustache_cache *c, const char *dir, struct kt_err *err)
{
    struct names files = {0}, failed = {0};
    struct mustache_tpl **added = NULL;
    size_t nadded = 0;
    struct report rep = {.count = 0, .log = 1};
    struct kt_buf b;
    kt_buf_init(&b, MUSTACHE_FILE_MAX);
    int rc = walk(dir, "", 0, &files, err);
    if (rc)
        goto out;
    qsort(files.v, files.n, sizeof *files.v, cmp_str);
    added = calloc(files.n + 1, sizeof *added);
    if (!added) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory loading templates");
        goto out;
    }
    for (size_t i = 0; i < files.n; i++) {
        const char *name = files.v[i];
        struct kt_err e;
        struct mustache_tpl *t = NULL;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.mustache", dir, name);
        kt_buf_reset(&b);
        int r = mustache_name_check(name, strlen(name), &e);
        if (r)
            kt_err_prefix(&e, "file %s", path);
        if (!r && find_n(c, name, strlen(name)))
            r = kt_err_set(&e, KT_EEXIST, "template %s is already loaded", name);
        if (!r)
            r = read_file(path, &b, &e);
        if (!r)
            r = compile(name, kt_buf_str(&b), b.len, &t, &e);
        if (!r && (r = insert(c, t, &e)) != 0)
            mustache_tpl_free(t);
        if (r) {
            report(&rep, &e);
            if (names_add(&failed, name)) {
                rc = kt_err_set(err, KT_ENOMEM, "out of memory loading templates");
                goto out;
            }
            continue;
        }
        added[nadded++] = t;
    }
    for (size_t i = 0; i < nadded; i++)
        link_tpl(c, added[i], 1, failed.v, failed.n, dir, &rep);
    if (rep.count == 1) {
        *err = rep.first;
        rc = rep.first.code;
    } else if (rep.count > 1) {
        rc = kt_err_set(err, KT_EINVAL,
                        "%d templates in %s have errors (each is logged); the "
                        "first: %s",
                        rep.count, dir, rep.first.msg);
    }
out:
    kt_buf_release(&b);
    names_release(&files);
    names_release(&failed);
    free(added);
    return rc;
}

/* ---------------------------------------------------------------- render */

struct scope {
    const struct node *parent;      /* a {{<parent}} node: its children are blocks */
    const struct mustache_tpl *tpl; /* the template that node is in */
};

struct render {
    struct kt_buf *out;
    const struct mustache_tpl *tpl; /* whose nodes are being rendered */
    const struct mustache_cache *cache;
    struct kt_err *err;
    unsigned depth, nctx, nscopes;
    int bol; /* at the start of a template line: indentation is due */
    size_t indent_len;
    const json_t *ctx[MUSTACHE_MAX_DEPTH + 1];
    struct scope scopes[MUSTACHE_MAX_DEPTH + 1];
    char indent[INDENT_MAX];
};

static int rerr(struct render *r, const struct node *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int rerr(struct render *r, const struct node *n, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kt_err_setv(r->err, code, fmt, ap);
    va_end(ap);
    if (n)
        return kt_err_prefix(r->err, "template %s line %u column %u", r->tpl->name, n->line,
                             n->col);
    return kt_err_prefix(r->err, "template %s", r->tpl->name);
}

static int put(struct render *r, const char *s, size_t n)
{
    int rc = kt_buf_add(r->out, s, n);
    if (rc == KT_ELIMIT)
        return rerr(r, NULL, rc, "the output is larger than the limit of %zu bytes", r->out->max);
    if (rc)
        return rerr(r, NULL, rc, "out of memory while rendering");
    return 0;
}

static int put_text(struct render *r, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (r->indent_len == 0) {
        r->bol = s[n - 1] == '\n';
        return put(r, s, n);
    }
    while (n) {
        if (r->bol && s[0] != '\n' && !(s[0] == '\r' && n > 1 && s[1] == '\n') &&
            put(r, r->indent, r->indent_len))
            return -1;
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) + 1 : n;
        if (put(r, s, k))
            return -1;
        r->bol = nl != NULL;
        s += k;
        n -= k;
    }
    return 0;
}

static const char *const html_entity[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;"};

static int put_escaped(struct render *r, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = html_entity[(unsigned char)s[i]];
        if (!e)
            continue;
        if ((i > run && put(r, s + run, i - run)) || put(r, e, strlen(e)))
            return -1;
        run = i + 1;
    }
    return run < n ? put(r, s + run, n - run) : 0;
}

/* Shortest text that reads back as the same double: 1.21, 85, 1e+21. */
static size_t format_real(double d, char *buf, size_t size)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return n > 0 ? (size_t)n : 0;
}

static int put_value(struct render *r, const json_t *v, int escape)
{
    char num[40];
    const char *s;
    size_t n;
    switch (json_typeof(v)) {
    case JSON_STRING:
        s = json_string_value(v);
        n = json_string_length(v);
        break;
    case JSON_INTEGER:
        s = num;
        n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        s = num;
        n = format_real(json_real_value(v), num, sizeof num);
        break;
    case JSON_TRUE:
        s = "true";
        n = 4;
        break;
    case JSON_FALSE:
        s = "false";
        n = 5;
        break;
    default:
        return 0;
    }
    if (n == 0)
        return 0;
    if (r->indent_len && r->bol && put(r, r->indent, r->indent_len))
        return -1;
    r->bol = 0;
    return escape ? put_escaped(r, s, n) : put(r, s, n);
}

/* Resolves a (dotted) name against the context stack, as the spec says. */
static const json_t *lookup(const struct render *r, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return r->ctx[r->nctx - 1];
    const char *dot = memchr(name, '.', len);
    size_t part = dot ? (size_t)(dot - name) : len;
    const json_t *v = NULL;
    for (unsigned i = r->nctx; i-- > 0 && !v;)
        if (json_is_object(r->ctx[i]))
            v = json_object_getn(r->ctx[i], name, part);
    while (v && dot) {
        len -= part + 1;
        name = dot + 1;
        dot = memchr(name, '.', len);
        part = dot ? (size_t)(dot - name) : len;
        v = json_is_object(v) ? json_object_getn(v, name, part) : NULL;
    }
    return v;
}

static int truthy(const json_t *v)
{
    if (!v)
        return 0;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    default:
        return 1;
    }
}

static int render_nodes(struct render *r, const struct node *n, const struct node *end);

/* Enters a partial, parent or block: depth, indentation, template. */
static int enter(struct render *r, const struct node *n, size_t *saved_indent)
{
    if (r->depth >= MUSTACHE_MAX_DEPTH)
        return rerr(r, n, KT_ELIMIT,
                    "templates nested deeper than %d levels (does a partial include itself?)",
                    MUSTACHE_MAX_DEPTH);
    if (r->indent_len + n->indent_len > sizeof r->indent)
        return rerr(r, n, KT_ELIMIT, "indentation deeper than %d characters", INDENT_MAX);
    r->depth++;
    *saved_indent = r->indent_len;
    if (n->indent_len) {
        memcpy(r->indent + r->indent_len, n->indent, n->indent_len);
        r->indent_len += n->indent_len;
    }
    if (n->standalone)
        r->bol = 1;
    return 0;
}

static void leave(struct render *r, size_t saved_indent)
{
    r->depth--;
    r->indent_len = saved_indent;
}

static const struct mustache_tpl *resolve(const struct render *r, const struct node *n)
{
    if (!n->dynamic)
        return n->target;
    const json_t *v = lookup(r, n->str, n->len);
    if (!json_is_string(v) || !r->cache)
        return NULL;
    const char *name = json_string_value(v);
    size_t len = json_string_length(v);
    if (!name_ok(name, len))
        return NULL;
    return find_n(r->cache, name, len);
}

static int render_template(struct render *r, const struct node *n, const struct mustache_tpl *t)
{
    size_t saved;
    if (enter(r, n, &saved))
        return -1;
    const struct mustache_tpl *prev = r->tpl;
    r->tpl = t;
    int rc = t->nnodes ? render_nodes(r, t->nodes, t->nodes + t->nnodes) : 0;
    r->tpl = prev;
    leave(r, saved);
    return rc;
}

static int render_section(struct render *r, const struct node *n, const json_t *v)
{
    if (r->depth >= MUSTACHE_MAX_DEPTH)
        return rerr(r, n, KT_ELIMIT, "sections nested deeper than %d levels", MUSTACHE_MAX_DEPTH);
    r->depth++;
    int rc = 0;
    if (json_is_array(v)) {
        size_t count = json_array_size(v);
        for (size_t i = 0; i < count && !rc; i++) {
            r->ctx[r->nctx++] = json_array_get(v, i);
            rc = render_nodes(r, n + 1, n + 1 + n->nchild);
            r->nctx--;
        }
    } else {
        r->ctx[r->nctx++] = v;
        rc = render_nodes(r, n + 1, n + 1 + n->nchild);
        r->nctx--;
    }
    r->depth--;
    return rc;
}

static int render_block(struct render *r, const struct node *n)
{
    const struct node *body = n;
    const struct mustache_tpl *body_tpl = r->tpl;
    /* The outermost override wins: the page overrides its layout's layout. */
    for (unsigned i = 0; i < r->nscopes && body == n; i++) {
        const struct node *p = r->scopes[i].parent;
        for (const struct node *a = p + 1; a < p + 1 + p->nchild; a += 1 + a->nchild)
            if (a->len == n->len && memcmp(a->str, n->str, n->len) == 0) {
                body = a;
                body_tpl = r->scopes[i].tpl;
                break;
            }
    }
    size_t saved;
    if (enter(r, n, &saved))
        return -1;
    const struct mustache_tpl *prev = r->tpl;
    r->tpl = body_tpl;
    int rc = render_nodes(r, body + 1, body + 1 + body->nchild);
    r->tpl = prev;
    leave(r, saved);
    return rc;
}

static int render_nodes(struct render *r, const struct node *n, const struct node *end)
{
    for (; n < end; n += 1 + n->nchild) {
        const json_t *v;
        const struct mustache_tpl *t;
        int rc = 0;
        switch (n->kind) {
        case N_TEXT:
            rc = put_text(r, n->str, n->len);
            break;
        case N_VAR:
        case N_RAW:
            v = lookup(r, n->str, n->len);
            if (v)
                rc = put_value(r, v, n->kind == N_VAR);
            break;
        case N_SECTION:
            v = lookup(r, n->str, n->len);
            if (truthy(v))
                rc = render_section(r, n, v);
            break;
        case N_INVERTED:
            if (!truthy(lookup(r, n->str, n->len)))
                rc = render_nodes(r, n + 1, n + 1 + n->nchild);
            break;
        case N_PARTIAL:
            t = resolve(r, n);
            if (t)
                rc = render_template(r, n, t);
            break;
        case N_PARENT:
            t = resolve(r, n);
            if (!t)
                break;
            r->scopes[r->nscopes].parent = n;
            r->scopes[r->nscopes].tpl = r->tpl;
            r->nscopes++;
            rc = render_template(r, n, t);
            r->nscopes--;
            break;
        case N_BLOCK:
            rc = render_block(r, n);
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

int mustache_render(const struct mustache_tpl *t, const json_t *data, struct kt_buf *out,
                    struct kt_err *err)
{
    struct render r;
    r.out = out;
    r.tpl = t;
    r.cache = t->cache;
    r.err = err;
    r.depth = 0;
    r.nscopes = 0;
    r.bol = 1;
    r.indent_len = 0;
    r.ctx[0] = data;
    r.nctx = 1;
    size_t start = out->len;
    int rc = t->nnodes ? render_nodes(&r, t->nodes, t->nodes + t->nnodes) : 0;
    if (rc) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        return err->code;
    }
    return 0;
}

int mustache_cache_render(const struct mustache_cache *c, const char *name, const json_t *data,
                          struct kt_buf *out, struct kt_err *err)
{
    const struct mustache_tpl *t = mustache_cache_find(c, name);
    if (!t)
        return kt_err_set(err, KT_ENOTFOUND, "template %s not found", name);
    return mustache_render(t, data, out, err);
}

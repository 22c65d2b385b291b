#include <cairo.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/validate.h"
#include "catalog/group.h"
#include "catalog/image.h"
#include "catalog/price.h"
#include "catalog/product.h"
#include "catalog/stock.h"
#include "catalog/warehouse.h"
#include "demo/demo.h"
#include "parties/company.h"
#include "parties/customer.h"
#include "base/banned.h"

/* ---- deterministic numbers ---- */

/* splitmix64: one 64-bit number from a seed and a stream position, so that
 * product i always gets the same values, whichever run creates it. */
static uint64_t mix(uint64_t seed, uint64_t i)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ull + i * 0xBF58476D1CE4E5B9ull + 0x94D049BB133111EBull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static long pick(uint64_t seed, uint64_t i, uint64_t salt, long lo, long hi)
{
    return lo + (long)(mix(seed, i * 131 + salt) % (uint64_t)(hi - lo + 1));
}

/* ---- tables ---- */

struct group_def {
    const char *code, *pl, *en, *de;
    double r, g, b; /* colour of its pictures */
};

static const struct group_def groups[] = {
    {"TOOLS", "Narzędzia", "Tools", "Werkzeuge", 0.85, 0.33, 0.10},
    {"FASTENERS", "Złącza i mocowania", "Fasteners", "Befestigungstechnik", 0.45, 0.50, 0.55},
    {"ELECTRICAL", "Elektryka", "Electrical", "Elektroinstallation", 0.95, 0.75, 0.10},
    {"PAINTS", "Farby i lakiery", "Paints and varnishes", "Farben und Lacke", 0.20, 0.45, 0.80},
    {"GARDEN", "Ogród", "Garden", "Garten", 0.25, 0.60, 0.25},
    {"SAFETY", "BHP", "Safety", "Arbeitsschutz", 0.80, 0.15, 0.20},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

struct family {
    int group;
    const char *pl, *en, *de;
    const char *unit, *vat;
    long weight_lo, weight_hi; /* grams */
    long net_lo, net_hi;       /* net price in grosze */
    const char *const *variants;
};

static const char *const v_weights[] = {"300 g", "500 g", "800 g", "1000 g", NULL};
static const char *const v_sizes[] = {"4x30", "4x40", "5x50", "6x60", "8x80", NULL};
static const char *const v_lengths[] = {"10 m", "25 m", "50 m", "100 m", NULL};
static const char *const v_mm[] = {"6 mm", "8 mm", "10 mm", "12 mm", NULL};
static const char *const v_volumes[] = {"0,75 l", "2,5 l", "5 l", "10 l", NULL};
static const char *const v_colours[] = {"biały / white / weiß", "szary / grey / grau",
                                        "czarny / black / schwarz", NULL};
static const char *const v_sizes_cloth[] = {"S", "M", "L", "XL", "XXL", NULL};
static const char *const v_amps[] = {"10 A", "16 A", "20 A", "25 A", NULL};
static const char *const v_none[] = {"", NULL};

static const struct family families[] = {
    {0, "Młotek ślusarski", "Engineer's hammer", "Schlosserhammer", "pcs", "23", 300, 1200, 1990,
     6990, v_weights},
    {0, "Wkrętak płaski", "Flat screwdriver", "Schlitzschraubendreher", "pcs", "23", 60, 200, 890,
     2490, v_mm},
    {0, "Klucz płaski dwustronny", "Double open-end spanner", "Doppelmaulschlüssel", "pcs", "23",
     80, 400, 1290, 3990, v_mm},
    {0, "Wiertarko-wkrętarka akumulatorowa", "Cordless drill driver", "Akku-Bohrschrauber", "pcs",
     "23", 1200, 2200, 24900, 69900, v_none},
    {0, "Poziomica aluminiowa", "Aluminium spirit level", "Alu-Wasserwaage", "pcs", "23", 300, 900,
     2490, 8990, v_none},
    {1, "Wkręt do drewna", "Wood screw", "Holzschraube", "pcs", "23", 2, 20, 3, 40, v_sizes},
    {1, "Kołek rozporowy", "Wall plug", "Dübel", "pcs", "23", 1, 8, 2, 25, v_mm},
    {1, "Śruba z łbem sześciokątnym", "Hexagon head bolt", "Sechskantschraube", "pcs", "23", 5, 60,
     15, 120, v_sizes},
    {1, "Gwóźdź budowlany", "Construction nail", "Baunagel", "kg", "23", 1000, 1000, 890, 1890,
     v_none},
    {2, "Przewód YDY 3x2,5", "Cable YDY 3x2.5", "Kabel YDY 3x2,5", "m", "23", 120, 120, 290, 490,
     v_lengths},
    {2, "Gniazdo podwójne z uziemieniem", "Double socket, earthed",
     "Doppelsteckdose mit Schutzkontakt", "pcs", "23", 90, 150, 1490, 3490, v_colours},
    {2, "Wyłącznik nadprądowy", "Circuit breaker", "Leitungsschutzschalter", "pcs", "23", 100, 140,
     1290, 2990, v_amps},
    {2, "Żarówka LED E27", "LED bulb E27", "LED-Lampe E27", "pcs", "23", 40, 70, 590, 1990, v_none},
    {3, "Farba emulsyjna", "Emulsion paint", "Dispersionsfarbe", "l", "23", 1000, 1400, 1490, 3990,
     v_volumes},
    {3, "Lakier do drewna", "Wood varnish", "Holzlack", "l", "23", 900, 1100, 2990, 6990,
     v_volumes},
    {3, "Pędzel płaski", "Flat brush", "Flachpinsel", "pcs", "23", 20, 90, 290, 1490, v_mm},
    {3, "Wałek malarski", "Paint roller", "Farbroller", "pcs", "23", 80, 200, 990, 2990, v_none},
    {4, "Wąż ogrodowy", "Garden hose", "Gartenschlauch", "m", "23", 150, 250, 190, 490, v_lengths},
    {4, "Nasiona trawy", "Grass seed", "Rasensamen", "kg", "8", 1000, 1000, 1990, 4990, v_none},
    {4, "Sekator ogrodowy", "Garden pruner", "Gartenschere", "pcs", "23", 200, 350, 2990, 8990,
     v_none},
    {5, "Rękawice robocze", "Work gloves", "Arbeitshandschuhe", "pcs", "23", 60, 120, 390, 1490,
     v_sizes_cloth},
    {5, "Okulary ochronne", "Safety glasses", "Schutzbrille", "pcs", "23", 30, 60, 690, 2490,
     v_none},
    {5, "Kask ochronny", "Safety helmet", "Schutzhelm", "pcs", "23", 350, 450, 2490, 5990,
     v_colours},
};
#define NFAMILIES (sizeof families / sizeof families[0])

static const struct {
    const char *code, *name, *street, *postal, *city;
} warehouses[] = {
    {"MAIN", "Magazyn główny", "ul. Magazynowa 1", "02-001", "Warszawa"},
    {"WRO", "Magazyn Wrocław", "ul. Logistyczna 12", "50-001", "Wrocław"},
    {"GDA", "Magazyn Gdańsk", "ul. Portowa 7", "80-001", "Gdańsk"},
};
#define NWAREHOUSES (sizeof warehouses / sizeof warehouses[0])

/* Price lists: the factor applied to the net PLN price, in 1/10000. */
static const struct {
    const char *code, *name, *currency;
    enum price_basis basis;
    int is_default;
    int64_t factor; /* price = net * factor / 10000 */
} lists[] = {
    {"RETAIL", "Cennik detaliczny (brutto)", "PLN", PRICE_BASIS_GROSS, 1, 12300},
    {"WHOLESALE", "Cennik hurtowy (netto)", "PLN", PRICE_BASIS_NET, 0, 8500},
    {"EUR", "Price list EUR (net)", "EUR", PRICE_BASIS_NET, 1, 2326}, /* 1 / 4.30 */
    {"USD", "Price list USD (net)", "USD", PRICE_BASIS_NET, 1, 2500}, /* 1 / 4.00 */
};
#define NLISTS (sizeof lists / sizeof lists[0])

struct customer_def {
    const char *country, *name, *street, *postal, *city, *contact, *email_domain, *phone;
};

static const struct customer_def customers[] = {
    {"PL", "Hurtownia Budowlana Kowalski sp. z o.o.", "ul. Długa 15", "00-238", "Warszawa",
     "Jan Kowalski", "kowalski-budowlana.example", "+48 22 555 01 01"},
    {"PL", "Sklep Żelazny Nowak", "ul. Piotrkowska 120", "90-006", "Łódź", "Anna Nowak",
     "zelazny-nowak.example", "+48 42 555 02 02"},
    {"PL", "Dom i Ogród Wiśniewscy s.c.", "ul. Grunwaldzka 88", "80-244", "Gdańsk",
     "Piotr Wiśniewski", "dom-ogrod.example", "+48 58 555 03 03"},
    {"PL", "Elektro-Serwis Zieliński", "ul. Świdnicka 40", "50-024", "Wrocław",
     "Katarzyna Zielińska", "elektro-serwis.example", "+48 71 555 04 04"},
    {"PL", "Farby Świat sp.j.", "ul. Półwiejska 2", "61-888", "Poznań", "Tomasz Wójcik",
     "farby-swiat.example", "+48 61 555 05 05"},
    {"PL", "Budmat Kraków S.A.", "ul. Wielicka 250", "30-663", "Kraków", "Magdalena Kamińska",
     "budmat.example", "+48 12 555 06 06"},
    {"PL", "Narzędziownia Lewandowski", "ul. Lipowa 3", "15-424", "Białystok", "Marek Lewandowski",
     "narzedziownia.example", "+48 85 555 07 07"},
    {"PL", "Ogrody Szczecin sp. z o.o.", "al. Wojska Polskiego 45", "70-475", "Szczecin",
     "Ewa Dąbrowska", "ogrody-szczecin.example", "+48 91 555 08 08"},
    {"DE", "Müller Baubedarf GmbH", "Hauptstraße 12", "10115", "Berlin", "Klaus Müller",
     "mueller-baubedarf.example", "+49 30 5550101"},
    {"DE", "Schäfer Werkzeuge KG", "Königsallee 5", "40212", "Düsseldorf", "Jürgen Schäfer",
     "schaefer-werkzeuge.example", "+49 211 5550202"},
    {"DE", "Weiß & Söhne Elektro", "Marienplatz 8", "80331", "München", "Sabine Weiß",
     "weiss-soehne.example", "+49 89 5550303"},
    {"DE", "Gartencenter Groß", "Große Straße 20", "20095", "Hamburg", "Petra Groß",
     "gartencenter-gross.example", "+49 40 5550404"},
    {"CZ", "Stavebniny Dvořák s.r.o.", "Václavské náměstí 10", "110 00", "Praha", "Jiří Dvořák",
     "stavebniny-dvorak.example", "+420 2 5550 0101"},
    {"CZ", "Železářství Novotný", "Masarykova 22", "602 00", "Brno", "Petra Novotná",
     "zelezarstvi-novotny.example", "+420 5 5550 0202"},
    {"FR", "Quincaillerie Lefèvre SARL", "12 rue de Rivoli", "75004", "Paris", "Élodie Lefèvre",
     "quincaillerie-lefevre.example", "+33 1 55 50 01 01"},
    {"FR", "Bricolage Côte d'Azur", "45 avenue Jean Médecin", "06000", "Nice", "François Dubois",
     "bricolage-azur.example", "+33 4 55 50 02 02"},
    {"GB", "Hardware Supplies Ltd", "221 Baker Street", "NW1 6XE", "London", "Oliver Smith",
     "hardware-supplies.example", "+44 20 5550 0101"},
    {"GB", "Northern Tools plc", "1 Deansgate", "M3 1AZ", "Manchester", "Emily Brown",
     "northern-tools.example", "+44 161 555 0202"},
    {"US", "Acme Building Supply Inc.", "350 Fifth Avenue", "10118", "New York", "John Miller",
     "acme-building.example", "+1 212 555 0101"},
    {"US", "Golden Gate Hardware LLC", "1 Market Street", "94105", "San Francisco", "Sarah Johnson",
     "goldengate-hardware.example", "+1 415 555 0202"},
};
#define NCUSTOMERS (sizeof customers / sizeof customers[0])

/* ---- identifiers with valid check digits ---- */

typedef int validator_fn(const char *s, struct kt_err *err);

/*
 * Fills the `nd` digits at `at` of buf from the stream (seed, i), then
 * tries each value of the last `nk` digits until `valid` accepts the
 * whole text; the other digits stay as drawn. Returns 0 or KT_EINTERNAL.
 */
static int make_valid(char *buf, size_t at, int nd, int nk, validator_fn *valid, uint64_t seed,
                      uint64_t i)
{
    for (uint64_t attempt = 0; attempt < 50; attempt++) {
        for (int k = 0; k < nd; k++)
            buf[at + (size_t)k] =
                (char)('0' + mix(seed, i * 977 + attempt * 31 + (uint64_t)k) % 10);
        if (buf[at] == '0')
            buf[at] = '1';
        int limit = nk == 1 ? 10 : 100;
        for (int v = 0; v < limit; v++) {
            if (nk == 1) {
                buf[at + (size_t)nd - 1] = (char)('0' + v);
            } else {
                buf[at + (size_t)nd - 2] = (char)('0' + v / 10);
                buf[at + (size_t)nd - 1] = (char)('0' + v % 10);
            }
            struct kt_err e;
            if (valid(buf, &e) == 0)
                return 0;
        }
    }
    return KT_EINTERNAL;
}

/* Copies a made-up id to out when it was made (rc 0). */
static int give(int rc, const char *id, char *out, size_t n)
{
    return rc != 0 ? rc : kt_strlcpy(out, id, n);
}

/* A valid tax id for a customer in `country`. */
static int tax_id_for(const char *country, uint64_t seed, uint64_t i, char *out, size_t n)
{
    char b[32] = {0};
    if (strcmp(country, "PL") == 0)
        return give(make_valid(b, 0, 10, 1, kt_valid_nip, seed, i), b, out, n);
    if (strcmp(country, "DE") == 0 || strcmp(country, "CZ") == 0) {
        memcpy(b, country, 2);
        int digits = strcmp(country, "DE") == 0 ? 9 : 8;
        return give(make_valid(b, 2, digits, 1, kt_valid_vat_id, seed, i), b, out, n);
    }
    if (strcmp(country, "FR") == 0) {
        /* FR + 2-digit key + 9-digit SIREN: draw the SIREN, then find the key */
        memcpy(b, "FR00", 4);
        for (uint64_t attempt = 0; attempt < 20; attempt++) {
            for (int k = 0; k < 8; k++)
                b[4 + k] = (char)('0' + mix(seed, i * 613 + attempt * 17 + (uint64_t)k) % 10);
            for (int last = 0; last < 10; last++) {
                b[12] = (char)('0' + last);
                for (int v = 0; v < 100; v++) {
                    b[2] = (char)('0' + v / 10);
                    b[3] = (char)('0' + v % 10);
                    struct kt_err e;
                    if (kt_valid_vat_id(b, &e) == 0)
                        return kt_strlcpy(out, b, n);
                }
            }
        }
        return KT_EINTERNAL;
    }
    /* GB (outside the EU since 2021) and US: foreign ids, format only */
    if (strcmp(country, "GB") == 0)
        snprintf(b, sizeof b, "GB%09llu", (unsigned long long)(mix(seed, i) % 1000000000ull));
    else
        snprintf(b, sizeof b, "%02llu-%07llu", (unsigned long long)(10 + mix(seed, i) % 89),
                 (unsigned long long)(mix(seed, i + 1) % 10000000ull));
    return kt_strlcpy(out, b, n);
}

static void ean_for(long i, char out[14])
{
    char body[24];
    snprintf(body, sizeof body, "59012%07ld", i % 10000000L);
    int sum = 0;
    for (int k = 0; k < 12; k++)
        sum += (body[k] - '0') * (k % 2 ? 3 : 1);
    memcpy(out, body, 12);
    out[12] = (char)('0' + (10 - sum % 10) % 10);
    out[13] = '\0';
}

void demo_product_code(long i, char *out, size_t n)
{
    snprintf(out, n, "DEMO-%06ld", i);
}

/* ---- pictures ---- */

static cairo_status_t png_to_buf(void *closure, const unsigned char *data, unsigned int length)
{
    return kt_buf_add(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int finish_png(cairo_surface_t *s, struct kt_buf *out, struct kt_err *err)
{
    cairo_status_t cs = cairo_surface_write_to_png_stream(s, png_to_buf, out);
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS)
        return kt_err_set(err, KT_ENOMEM, "cannot draw a PNG picture: %s",
                          cairo_status_to_string(cs));
    return 0;
}

/*
 * The pictures use shapes and strokes only, no text: cairo's text goes
 * through fontconfig, whose process-wide caches are never freed (a leak
 * under the sanitizers) and whose fonts differ between machines (the
 * pictures would not be the same bytes everywhere).
 */

/* The company logo: a blue disc with a "K" drawn in strokes and three bars. */
static int draw_logo(struct kt_buf *out, struct kt_err *err)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 480, 140);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgba(cr, 1, 1, 1, 0);
    cairo_paint(cr);
    cairo_arc(cr, 70, 70, 60, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0.09, 0.33, 0.60);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 12);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_move_to(cr, 52, 38);
    cairo_line_to(cr, 52, 102);
    cairo_move_to(cr, 92, 38);
    cairo_line_to(cr, 56, 72);
    cairo_line_to(cr, 94, 102);
    cairo_stroke(cr);
    static const double bars[][3] = {{0.09, 0.33, 0.60}, {0.95, 0.60, 0.10}, {0.55, 0.55, 0.55}};
    for (int i = 0; i < 3; i++) {
        cairo_set_source_rgb(cr, bars[i][0], bars[i][1], bars[i][2]);
        cairo_rectangle(cr, 150, 30 + i * 30, 300 - i * 70, 18);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    return finish_png(s, out, err);
}

/* A product picture: a shape in the group's colour over the EAN's bars. */
static int draw_product(long i, const struct family *f, const char *ean, struct kt_buf *out,
                        struct kt_err *err)
{
    const struct group_def *g = &groups[f->group];
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 320, 320);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.95);
    cairo_paint(cr);
    double shade = 0.75 + 0.25 * (double)(i % 5) / 4.0;
    cairo_set_source_rgb(cr, g->r * shade, g->g * shade, g->b * shade);
    switch (f->group % 3) {
    case 0:
        cairo_rectangle(cr, 70, 30, 180, 180);
        break;
    case 1:
        cairo_arc(cr, 160, 120, 95, 0, 2 * M_PI);
        break;
    default:
        cairo_move_to(cr, 160, 20);
        cairo_line_to(cr, 260, 210);
        cairo_line_to(cr, 60, 210);
        cairo_close_path(cr);
        break;
    }
    cairo_fill(cr);
    /* bars whose widths follow the EAN's digits, like a barcode label */
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    double x = 40;
    for (const char *d = ean; *d && x < 280; d++) {
        double w = 1.5 + (*d - '0') % 4;
        cairo_rectangle(cr, x, 240, w, 60);
        x += w + 2.5 + (*d - '0') % 3;
    }
    cairo_fill(cr);
    cairo_destroy(cr);
    return finish_png(s, out, err);
}

/* ---- the parts ---- */

static int ensure_groups(struct store *st, int64_t ids[NGROUPS], struct demo_summary *sum,
                         struct kt_err *err)
{
    struct kt_arena a;
    kt_arena_init(&a, 0);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < NGROUPS; i++) {
        struct catalog_group g;
        rc = catalog_group_get_by_code(st, groups[i].code, &a, &g, err);
        if (rc == KT_ENOTFOUND) {
            struct catalog_group n = {.code = groups[i].code,
                                      .name_pl = groups[i].pl,
                                      .name_en = groups[i].en,
                                      .name_de = groups[i].de,
                                      .position = (int)i};
            rc = catalog_group_create(st, &n, err);
            g.id = n.id;
            sum->groups += rc == 0;
        }
        ids[i] = g.id;
    }
    kt_arena_release(&a);
    return rc;
}

static int ensure_warehouses(struct store *st, int64_t ids[NWAREHOUSES], struct demo_summary *sum,
                             struct kt_err *err)
{
    for (size_t i = 0; i < NWAREHOUSES; i++) {
        struct stock_warehouse w;
        int rc = stock_warehouse_get(st, warehouses[i].code, &w, err);
        if (rc == KT_ENOTFOUND) {
            memset(&w, 0, sizeof w);
            kt_strlcpy(w.code, warehouses[i].code, sizeof w.code);
            kt_strlcpy(w.name, warehouses[i].name, sizeof w.name);
            kt_strlcpy(w.street, warehouses[i].street, sizeof w.street);
            kt_strlcpy(w.postal_code, warehouses[i].postal, sizeof w.postal_code);
            kt_strlcpy(w.city, warehouses[i].city, sizeof w.city);
            kt_strlcpy(w.country, "PL", sizeof w.country);
            w.active = 1;
            rc = stock_warehouse_create(st, &w, &w.id, err);
            sum->warehouses += rc == 0;
        }
        if (rc != 0)
            return rc;
        ids[i] = w.id;
    }
    return 0;
}

static int ensure_lists(struct store *st, int64_t ids[NLISTS], struct demo_summary *sum,
                        struct kt_err *err)
{
    for (size_t i = 0; i < NLISTS; i++) {
        struct price_list pl;
        int rc = price_list_get(st, lists[i].code, &pl, err);
        if (rc == KT_ENOTFOUND) {
            memset(&pl, 0, sizeof pl);
            kt_strlcpy(pl.code, lists[i].code, sizeof pl.code);
            kt_strlcpy(pl.name, lists[i].name, sizeof pl.name);
            kt_strlcpy(pl.currency, lists[i].currency, sizeof pl.currency);
            pl.basis = lists[i].basis;
            pl.is_default = lists[i].is_default;
            pl.active = 1;
            rc = price_list_create(st, &pl, &pl.id, err);
            sum->price_lists += rc == 0;
        }
        if (rc != 0)
            return rc;
        ids[i] = pl.id;
    }
    return 0;
}

static int iban_for(uint64_t seed, uint64_t i, char *out, size_t n)
{
    char b[29] = "PL00";
    for (int k = 0; k < 24; k++)
        b[4 + k] = (char)('0' + mix(seed, 7000 + i * 29 + (uint64_t)k) % 10);
    for (int v = 0; v < 100; v++) {
        b[2] = (char)('0' + v / 10);
        b[3] = (char)('0' + v % 10);
        struct kt_err e;
        if (kt_valid_iban(b, &e) == 0)
            return kt_strlcpy(out, b, n);
    }
    return KT_EINTERNAL;
}

static int ensure_company(struct store *st, const struct demo_options *o, struct demo_summary *sum,
                          struct kt_err *err)
{
    struct parties_company c;
    int rc = parties_company_get(st, &c, err);
    if (rc != KT_ENOTFOUND)
        return rc;
    memset(&c, 0, sizeof c);
    kt_strlcpy(c.name, "Kontor Demo sp. z o.o.", sizeof c.name);
    char regon[16] = {0};
    if (tax_id_for("PL", o->seed, 1, c.nip, sizeof c.nip) != 0 ||
        make_valid(regon, 0, 9, 1, kt_valid_regon, o->seed, 2) != 0)
        return kt_err_set(err, KT_EINTERNAL, "cannot make up a valid NIP for the demo company");
    kt_strlcpy(c.regon, regon, sizeof c.regon);
    kt_strlcpy(c.street, "ul. Marszałkowska 100", sizeof c.street);
    kt_strlcpy(c.postal_code, "00-026", sizeof c.postal_code);
    kt_strlcpy(c.city, "Warszawa", sizeof c.city);
    kt_strlcpy(c.country, "PL", sizeof c.country);
    kt_strlcpy(c.default_warehouse, "MAIN", sizeof c.default_warehouse);
    kt_strlcpy(c.default_lang, "pl", sizeof c.default_lang);
    kt_strlcpy(c.email_from_name, "Kontor Demo", sizeof c.email_from_name);
    kt_strlcpy(c.email_from_address, "biuro@kontor-demo.example", sizeof c.email_from_address);
    rc = parties_company_set(st, &c, err);
    static const char *const currencies[] = {"PLN", "EUR", "USD"};
    for (size_t i = 0; rc == 0 && i < 3; i++) {
        struct parties_company_account a = {.is_default = 1};
        kt_strlcpy(a.currency, currencies[i], sizeof a.currency);
        kt_strlcpy(a.bank_name, "Bank Demo S.A.", sizeof a.bank_name);
        kt_strlcpy(a.swift, "BPKOPLPW", sizeof a.swift);
        if (iban_for(o->seed, i, a.iban, sizeof a.iban) != 0)
            return kt_err_set(err, KT_EINTERNAL, "cannot make up a valid IBAN");
        rc = parties_company_account_add(st, &a, err);
    }
    if (rc == 0 && o->data_dir) {
        struct kt_buf png;
        kt_buf_init(&png, PARTIES_LOGO_MAX);
        char hex[BLOB_HEX_LEN + 1];
        rc = draw_logo(&png, err);
        if (rc == 0)
            rc = parties_company_set_logo(st, o->data_dir, png.data, png.len, hex, err);
        kt_buf_release(&png);
    }
    sum->company = rc == 0;
    return rc;
}

/* Product i (1-based) into p; strings in buf (names) live as long as buf. */
struct product_text {
    char code[32], ean[14], pl[CATALOG_NAME_MAX], en[CATALOG_NAME_MAX], de[CATALOG_NAME_MAX];
};

static const struct family *family_of(long i)
{
    return &families[(size_t)(i - 1) % NFAMILIES];
}

static void make_product(const struct demo_options *o, long i, const int64_t group_ids[NGROUPS],
                         struct catalog_product *p, struct product_text *t)
{
    const struct family *f = family_of(i);
    size_t nv = 0;
    while (f->variants[nv])
        nv++;
    long round = (i - 1) / (long)NFAMILIES;
    const char *v = f->variants[(size_t)round % nv];
    long series = round / (long)nv;
    char suffix[48] = "";
    if (series > 0)
        snprintf(suffix, sizeof suffix, " #%ld", series + 1);
    demo_product_code(i, t->code, sizeof t->code);
    ean_for(i, t->ean);
    snprintf(t->pl, sizeof t->pl, "%s%s%s%s", f->pl, *v ? " " : "", v, suffix);
    snprintf(t->en, sizeof t->en, "%s%s%s%s", f->en, *v ? " " : "", v, suffix);
    snprintf(t->de, sizeof t->de, "%s%s%s%s", f->de, *v ? " " : "", v, suffix);
    catalog_product_init(p);
    p->code = t->code;
    p->ean = t->ean;
    p->unit = f->unit;
    p->vat_rate = f->vat;
    p->weight_g = pick(o->seed, (uint64_t)i, 1, f->weight_lo, f->weight_hi);
    p->group_id = group_ids[f->group];
    p->active = 1;
    p->text[CATALOG_PL].name = t->pl;
    /* beyond the priced demo set (scale-up for benchmarks) only the Polish
     * name: each extra language costs rows in product_texts and words in
     * the search index, and the load rate is what is measured there */
    if (i <= DEMO_PRICED) {
        p->text[CATALOG_EN].name = t->en;
        p->text[CATALOG_DE].name = t->de;
    }
}

/* Prices and stock of product i, in the open transaction. */
static int price_and_stock(struct store *st, const struct demo_options *o, long i,
                           int64_t product_id, const int64_t list_ids[NLISTS],
                           const int64_t wh_ids[NWAREHOUSES], struct demo_summary *sum,
                           struct kt_err *err)
{
    const struct family *f = family_of(i);
    /* net PLN price in 1/10000: grosze x 100, ending in ,99 or ,49 */
    int64_t net = (int64_t)pick(o->seed, (uint64_t)i, 2, f->net_lo, f->net_hi) * 100;
    for (size_t l = 0; l < NLISTS; l++) {
        int64_t price = net * lists[l].factor / 10000;
        price -= price % 100; /* whole cents */
        struct price_item it = {
            .price_list_id = list_ids[l], .product_id = product_id, .price = price};
        int rc = price_item_set(st, &it, err);
        if (rc != 0)
            return rc;
        sum->prices++;
    }
    struct stock_origin origin = {.doc_ref = "demo", .user = "demo"};
    for (size_t w = 0; w < NWAREHOUSES; w++) {
        long whole = pick(o->seed, (uint64_t)i, 10 + w, 0, w == 0 ? 500 : 120);
        int64_t qty = (int64_t)whole * 1000;
        if (strcmp(f->unit, "pcs") != 0)
            qty += pick(o->seed, (uint64_t)i, 20 + w, 0, 999);
        int rc = stock_set(st, product_id, wh_ids[w], qty, STOCK_REASON_IMPORT, &origin, NULL, err);
        if (rc != 0)
            return rc;
        sum->stock_rows++;
    }
    return 0;
}

static int product_exists(struct store *st, long i, int *exists, struct kt_err *err)
{
    char code[32];
    demo_product_code(i, code, sizeof code);
    struct kt_arena a;
    kt_arena_init(&a, 0);
    struct catalog_product p;
    int rc = catalog_product_get_by_code(st, code, &a, &p, err);
    kt_arena_release(&a);
    *exists = rc == 0;
    return rc == KT_ENOTFOUND ? 0 : rc;
}

/* Demo products exist as a prefix 1..k: finds k by bisection. */
static int existing_prefix(struct store *st, long total, long *k, struct kt_err *err)
{
    long lo = 0, hi = total; /* products 1..lo exist; hi+1.. do not (or beyond total) */
    int exists;
    int rc = product_exists(st, total, &exists, err);
    if (rc != 0)
        return rc;
    if (exists) {
        *k = total;
        return 0;
    }
    hi = total - 1;
    while (lo < hi) {
        long mid = lo + (hi - lo + 1) / 2;
        rc = product_exists(st, mid, &exists, err);
        if (rc != 0)
            return rc;
        if (exists)
            lo = mid;
        else
            hi = mid - 1;
    }
    *k = lo;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ensure_products(struct store *st, const struct demo_options *o,
                           const int64_t group_ids[NGROUPS], const int64_t list_ids[NLISTS],
                           const int64_t wh_ids[NWAREHOUSES], struct demo_summary *sum,
                           struct kt_err *err)
{
    long have;
    int rc = existing_prefix(st, o->products, &have, err);
    if (rc != 0)
        return rc;
    /* SQLite only: a bulk load keeps the indexes it writes in the page
     * cache (256 MB; the default 2 MB re-reads index pages from disk).
     * PostgreSQL sizes its buffers on the server. */
    if (have < o->products && o->products - have > 10000 && store_dialect(st) == STORE_SQLITE &&
        (rc = store_exec(st, "PRAGMA cache_size = -262144", err)) != 0)
        return rc;
    double t0 = now_s();
    for (long from = have + 1; rc == 0 && from <= o->products; from += DEMO_BATCH) {
        long to = from + DEMO_BATCH - 1 < o->products ? from + DEMO_BATCH - 1 : o->products;
        rc = store_begin(st, err);
        for (long i = from; rc == 0 && i <= to; i++) {
            struct catalog_product p;
            struct product_text t;
            make_product(o, i, group_ids, &p, &t);
            rc = catalog_product_insert_in_tx(st, &p, err);
            if (rc == 0 && i <= DEMO_PRICED)
                rc = price_and_stock(st, o, i, p.id, list_ids, wh_ids, sum, err);
        }
        if (rc == 0)
            rc = store_commit(st, err);
        else
            store_rollback(st);
        if (rc == 0) {
            sum->products += to - from + 1;
            if (o->progress)
                o->progress(o->progress_ctx, to, o->products);
        }
    }
    sum->product_seconds = now_s() - t0;
    sum->products_total = have + sum->products;
    return rc;
}

static int ensure_images(struct store *st, const struct demo_options *o, struct demo_summary *sum,
                         struct kt_err *err)
{
    long n = o->images < o->products ? o->images : o->products;
    struct catalog_image_limits limits;
    catalog_image_limits_init(&limits);
    struct kt_buf png;
    kt_buf_init(&png, (size_t)4 << 20);
    int rc = 0;
    for (long i = 1; rc == 0 && i <= n; i++) {
        char code[32];
        demo_product_code(i, code, sizeof code);
        struct kt_arena a;
        kt_arena_init(&a, 0);
        struct catalog_product p;
        struct catalog_image *imgs = NULL;
        size_t nimg = 0;
        rc = catalog_product_get_by_code(st, code, &a, &p, err);
        if (rc == 0)
            rc = catalog_image_list(st, p.id, &a, &imgs, &nimg, err);
        if (rc == 0 && nimg == 0) {
            kt_buf_reset(&png);
            char ean[14];
            ean_for(i, ean);
            rc = draw_product(i, family_of(i), ean, &png, err);
            struct catalog_image out;
            if (rc == 0)
                rc =
                    catalog_image_add(st, o->data_dir, p.id, png.data, png.len, &limits, &out, err);
            sum->images += rc == 0;
        }
        kt_arena_release(&a);
    }
    kt_buf_release(&png);
    return rc;
}

static int ensure_customers(struct store *st, const struct demo_options *o,
                            const int64_t list_ids[NLISTS], struct demo_summary *sum,
                            struct kt_err *err)
{
    int rc = 0;
    for (long j = 1; rc == 0 && j <= o->customers; j++) {
        const struct customer_def *d = &customers[(size_t)(j - 1) % NCUSTOMERS];
        long round = (j - 1) / (long)NCUSTOMERS;
        struct parties_customer c;
        char code[PARTIES_CODE_MAX + 1];
        snprintf(code, sizeof code, "DEMO-K%04ld", j);
        rc = parties_customer_get_by_code(st, code, &c, err);
        if (rc != KT_ENOTFOUND)
            continue;
        parties_customer_init(&c);
        kt_strlcpy(c.code, code, sizeof c.code);
        if (round == 0)
            kt_strlcpy(c.name, d->name, sizeof c.name);
        else
            snprintf(c.name, sizeof c.name, "%s (%ld)", d->name, round + 1);
        kt_strlcpy(c.country, d->country, sizeof c.country);
        if (tax_id_for(d->country, o->seed, (uint64_t)(100 + j), c.tax_id, sizeof c.tax_id) != 0)
            return kt_err_set(err, KT_EINTERNAL, "cannot make up a tax id for %s", code);
        kt_strlcpy(c.street, d->street, sizeof c.street);
        kt_strlcpy(c.postal_code, d->postal, sizeof c.postal_code);
        kt_strlcpy(c.city, d->city, sizeof c.city);
        snprintf(c.document_email, sizeof c.document_email, "faktury@%s", d->email_domain);
        c.payment_days = strcmp(d->country, "PL") == 0 ? 14 : 30;
        c.payment_method = j % 7 == 0 ? PARTIES_PAY_CASH : PARTIES_PAY_TRANSFER;
        if (j % 3 == 0) {
            c.has_credit_limit = 1;
            c.credit_limit = 2000000; /* 20 000.00 in the customer's currency */
        }
        rc = store_begin(st, err);
        if (rc != 0)
            return rc;
        rc = parties_customer_create(st, &c, err);
        if (rc == 0) {
            struct parties_contact ct;
            memset(&ct, 0, sizeof ct);
            ct.customer_id = c.id;
            kt_strlcpy(ct.name, d->contact, sizeof ct.name);
            snprintf(ct.email, sizeof ct.email, "zakupy@%s", d->email_domain);
            kt_strlcpy(ct.phone, d->phone, sizeof ct.phone);
            kt_strlcpy(ct.role, "purchasing", sizeof ct.role);
            rc = parties_contact_add(st, 0, &ct, NULL, err);
        }
        if (rc == 0 && j % 2 == 0) {
            struct parties_address a;
            memset(&a, 0, sizeof a);
            a.customer_id = c.id;
            kt_strlcpy(a.label, "Magazyn / warehouse", sizeof a.label);
            kt_strlcpy(a.recipient, c.name, sizeof a.recipient);
            kt_strlcpy(a.street, d->street, sizeof a.street);
            kt_strlcpy(a.postal_code, d->postal, sizeof a.postal_code);
            kt_strlcpy(a.city, d->city, sizeof a.city);
            a.is_default = 1;
            rc = parties_address_add(st, 0, &a, NULL, err);
        }
        /* every fourth customer has individual prices for three products */
        for (long k = 1; rc == 0 && j % 4 == 1 && k <= 3 && k <= o->products; k++) {
            char pcode[32];
            demo_product_code(k * 7 <= o->products ? k * 7 : k, pcode, sizeof pcode);
            struct kt_arena ar;
            kt_arena_init(&ar, 0);
            struct catalog_product p;
            rc = catalog_product_get_by_code(st, pcode, &ar, &p, err);
            kt_arena_release(&ar);
            struct price_customer_price cp = {
                .customer_id = c.id, .product_id = p.id, .basis = PRICE_BASIS_NET};
            kt_strlcpy(cp.currency, c.currency, sizeof cp.currency);
            cp.price = (int64_t)pick(o->seed, (uint64_t)(j * 100 + k), 3, 500, 5000) * 100;
            if (rc == 0)
                rc = price_customer_set(st, &cp, err);
        }
        /* Polish wholesale customers buy from the wholesale list with a discount */
        if (rc == 0 && strcmp(d->country, "PL") == 0 && j % 2 == 1) {
            struct price_terms t = {
                .customer_id = c.id, .price_list_id = list_ids[1], .discount = 300 + 100 * (j % 5)};
            rc = price_terms_set(st, &t, err);
        }
        if (rc == 0)
            rc = store_commit(st, err);
        else
            store_rollback(st);
        if (rc == 0)
            sum->customers++;
        else
            kt_err_prefix(err, "demo customer %s", code);
    }
    return rc;
}

int demo_create(struct store *st, const struct demo_options *opt, struct demo_summary *sum,
                struct kt_err *err)
{
    struct demo_options o = *opt;
    memset(sum, 0, sizeof *sum);
    if (o.products == 0)
        o.products = DEMO_PRODUCTS_DEFAULT;
    if (o.customers == 0)
        o.customers = DEMO_CUSTOMERS_DEFAULT;
    if (o.images < 0)
        o.images = DEMO_IMAGES_DEFAULT;
    if (!o.data_dir)
        o.images = 0;
    if (o.seed == 0)
        o.seed = 1;
    if (o.products < 1 || o.products > 9999999)
        return kt_err_set(err, KT_EINVAL, "the number of products must be 1 to 9999999, not %ld",
                          o.products);
    if (o.customers < 1 || o.customers > 9999)
        return kt_err_set(err, KT_EINVAL, "the number of customers must be 1 to 9999, not %ld",
                          o.customers);
    int64_t group_ids[NGROUPS], list_ids[NLISTS], wh_ids[NWAREHOUSES];
    int rc = ensure_groups(st, group_ids, sum, err);
    if (rc == 0)
        rc = ensure_warehouses(st, wh_ids, sum, err);
    if (rc == 0)
        rc = ensure_lists(st, list_ids, sum, err);
    if (rc == 0)
        rc = ensure_company(st, &o, sum, err);
    if (rc == 0)
        rc = ensure_products(st, &o, group_ids, list_ids, wh_ids, sum, err);
    if (rc == 0 && o.images > 0)
        rc = ensure_images(st, &o, sum, err);
    if (rc == 0)
        rc = ensure_customers(st, &o, list_ids, sum, err);
    return rc;
}

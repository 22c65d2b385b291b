#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "access/internal.h"
#include "base/buf.h"
#include "base/banned.h"

/*
 * The permissions. A later module adds its permission as one line here
 * (and grants it to roles in its own migration). The position in this
 * table is the bit in struct access_perms: never reorder, only append.
 */
static const struct access_permission permissions[] = {
    {"catalog.read", ACCESS_AREA_STAFF, "Przeglądanie kartoteki towarów",
     "View the product catalogue"},
    {"catalog.write", ACCESS_AREA_STAFF, "Edycja kartoteki towarów", "Edit the product catalogue"},
    {"customers.read", ACCESS_AREA_STAFF, "Przeglądanie kontrahentów", "View customers"},
    {"customers.write", ACCESS_AREA_STAFF, "Edycja kontrahentów", "Edit customers"},
    {"stock.write", ACCESS_AREA_STAFF, "Zmiany stanów magazynowych", "Change stock levels"},
    {"prices.write", ACCESS_AREA_STAFF, "Edycja cen i cenników", "Edit prices and price lists"},
    {"orders.read", ACCESS_AREA_STAFF, "Przeglądanie zamówień", "View orders"},
    {"orders.write", ACCESS_AREA_STAFF, "Wprowadzanie i zmiana zamówień",
     "Enter and change orders"},
    {"documents.issue", ACCESS_AREA_STAFF, "Wystawianie dokumentów", "Issue documents"},
    {"mail.templates", ACCESS_AREA_STAFF, "Edycja szablonów e-mail", "Edit e-mail templates"},
    {"bank.import", ACCESS_AREA_STAFF, "Import wyciągów bankowych", "Import bank statements"},
    {"shipping.write", ACCESS_AREA_STAFF, "Nadawanie przesyłek", "Ship parcels"},
    {"shops.sync", ACCESS_AREA_STAFF, "Synchronizacja ze sklepami", "Synchronise with shops"},
    {"users.manage", ACCESS_AREA_STAFF, "Zarządzanie użytkownikami i rolami",
     "Manage users and roles"},
    {"admin", ACCESS_AREA_STAFF, "Administrator (wszystkie uprawnienia zaplecza)",
     "Administrator (every back-office permission)"},
    {"portal.orders", ACCESS_AREA_CUSTOMER, "Portal zamówień", "Order Portal"},
    {"portal.service", ACCESS_AREA_CUSTOMER, "Portal serwisowy", "Service Portal"},
    {"portal.documents", ACCESS_AREA_CUSTOMER, "Portal dokumentów", "Document Portal"},
    {"api", ACCESS_AREA_ANY, "Dostęp przez API (tokeny)", "API access (tokens)"},
};

#define NPERMS (sizeof permissions / sizeof permissions[0])
_Static_assert(NPERMS <= ACCESS_PERM_MAX, "struct access_perms has no room for more permissions");

const struct access_permission *access_permissions(size_t *n)
{
    *n = NPERMS;
    return permissions;
}

static int perm_index(const char *code)
{
    if (!code)
        return -1;
    for (size_t i = 0; i < NPERMS; i++)
        if (strcmp(permissions[i].code, code) == 0)
            return (int)i;
    return -1;
}

const struct access_permission *access_permission_find(const char *code)
{
    int i = perm_index(code);
    return i < 0 ? NULL : &permissions[i];
}

void access_perms_clear(struct access_perms *s)
{
    memset(s, 0, sizeof *s);
}

static int has_bit(const struct access_perms *s, int i)
{
    return (s->bits[i / 64] >> (i % 64)) & 1u;
}

int access_perms_add(struct access_perms *s, const char *code, struct kt_err *err)
{
    int i = perm_index(code);
    if (i < 0)
        return kt_err_set(err, KT_EINVAL,
                          "'%s' is not a permission; 'kontor role list' shows the permissions",
                          code ? code : "");
    s->bits[i / 64] |= (uint64_t)1 << (i % 64);
    return 0;
}

int access_perms_has(const struct access_perms *s, const char *code)
{
    int i = perm_index(code);
    return i >= 0 && has_bit(s, i);
}

size_t access_perms_count(const struct access_perms *s)
{
    size_t c = 0;
    for (size_t i = 0; i < NPERMS; i++)
        c += has_bit(s, (int)i);
    return c;
}

int access_can(const struct access_perms *s, const char *perm)
{
    int i = perm_index(perm);
    if (i < 0)
        return 0;
    if (has_bit(s, i))
        return 1;
    return permissions[i].area != ACCESS_AREA_CUSTOMER && access_perms_has(s, "admin");
}

void acc_perms_implied(const struct access_perms *s, struct access_perms *out)
{
    *out = *s;
    if (!has_bit(s, perm_index("admin")))
        return;
    for (size_t i = 0; i < NPERMS; i++)
        if (permissions[i].area != ACCESS_AREA_CUSTOMER)
            out->bits[i / 64] |= (uint64_t)1 << (i % 64);
}

int access_perms_format(const struct access_perms *s, const char *sep, char *dst, size_t n)
{
    if (n == 0)
        return KT_ELIMIT;
    struct kt_buf b;
    kt_buf_init(&b, n - 1);
    int rc = 0;
    for (size_t i = 0; i < NPERMS && rc == 0; i++) {
        if (!has_bit(s, (int)i))
            continue;
        if (b.len > 0)
            rc = kt_buf_adds(&b, sep);
        if (rc == 0)
            rc = kt_buf_adds(&b, permissions[i].code);
    }
    if (rc == 0)
        rc = kt_strlcpy(dst, kt_buf_str(&b), n);
    else
        dst[0] = '\0';
    kt_buf_release(&b);
    return rc == 0 ? 0 : KT_ELIMIT;
}

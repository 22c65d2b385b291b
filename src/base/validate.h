/*
 * Validators for identifiers a user types: Polish NIP and REGON, EU VAT ids,
 * IBAN, Polish NRB, EAN/UPC/GTIN. Each returns 0 if the value is valid and
 * KT_EINVAL otherwise, with one sentence in err saying what is wrong, e.g.
 * "NIP 5261040827: check digit is 7, expected 8.". Inputs are NUL-terminated
 * UTF-8 strings; NULL counts as empty. Nothing allocates, nothing keeps
 * state. This module owns the per-country tables (VAT id formats and check
 * algorithms, IBAN lengths).
 *
 * Separators: NIP, REGON, VAT ids, IBAN and NRB may contain spaces and
 * dashes (as printed on documents); letters may be lower case. EAN codes
 * must be digits only.
 */
#ifndef KT_VALIDATE_H
#define KT_VALIDATE_H

#include <stddef.h>

#include "base/err.h"

/* 10 digits, optional "PL" prefix; weights 6 5 7 2 3 4 5 6 7, sum mod 11 is
 * the check digit, a remainder of 10 means no valid NIP has those digits. */
int kt_valid_nip(const char *s, struct kt_err *err);

/* 9 digits (weights 8 9 2 3 4 5 6 7) or 14 digits (the 9-digit prefix must be
 * valid too; weights 2 4 8 5 0 9 7 3 6 1 2 4 8); mod 11, remainder 10 → 0. */
int kt_valid_regon(const char *s, struct kt_err *err);

/*
 * EU VAT identification number with its country prefix: the 27 member
 * states (Greece as "EL") and "XI" (Northern Ireland, UK format). The
 * per-country format is always checked; the check digits are verified for
 * every country whose algorithm is public. The table in validate.c lists per
 * country whether the check is format-only.
 */
int kt_valid_vat_id(const char *s, struct kt_err *err);

/* IBAN: known country, that country's length, BBAN characters, mod 97 == 1. */
int kt_valid_iban(const char *s, struct kt_err *err);

/* Polish account number (NRB): 26 digits, valid iff "PL" + NRB is a valid
 * IBAN. An optional "PL" prefix is accepted. */
int kt_valid_nrb(const char *s, struct kt_err *err);

/* EAN-8, UPC-A (12), EAN-13 or GTIN-14: digits only, GS1 check digit. */
int kt_valid_ean(const char *s, struct kt_err *err);

/*
 * Copies in to out without spaces, dashes and dots, letters upper-cased:
 * " pl 526-104-08-28 " → "PL5261040828". KT_EINVAL for any other character
 * or an empty result, KT_ELIMIT if out (size n) is too small.
 */
int kt_normalize_tax_id(const char *in, char *out, size_t n, struct kt_err *err);

#endif

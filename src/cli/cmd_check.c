#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/money.h"
#include "base/validate.h"
#include "base/words.h"
#include "cli/cli.h"
#include "base/banned.h"

/* What `kontor validate KIND` checks. */
static const struct {
    const char *kind;
    const char *label;
    int (*check)(const char *s, struct kt_err *err);
} validators[] = {
    {.kind = "nip", .label = "NIP", .check = kt_valid_nip},
    {.kind = "regon", .label = "REGON", .check = kt_valid_regon},
    {.kind = "vat", .label = "EU VAT id", .check = kt_valid_vat_id},
    {.kind = "iban", .label = "IBAN", .check = kt_valid_iban},
    {.kind = "nrb", .label = "NRB", .check = kt_valid_nrb},
    {.kind = "ean", .label = "EAN", .check = kt_valid_ean},
};

#define NVALIDATORS (sizeof validators / sizeof validators[0])

int cli_cmd_validate(struct cli *cli, int argc, char **argv)
{
    char *pos[2];
    size_t npos;
    int rc = cli_parse_opts("validate", argc, argv, NULL, 0, pos, 2, &npos);
    if (rc != 0)
        return rc;
    if (npos < 2)
        return cli_error(CLI_EXIT_USAGE, "'validate' needs a kind and a value, e.g. 'kontor "
                                         "validate nip 5260250274'");
    size_t k = 0;
    while (k < NVALIDATORS && strcasecmp(validators[k].kind, pos[0]) != 0)
        k++;
    if (k == NVALIDATORS) {
        const char *kinds[NVALIDATORS];
        for (size_t i = 0; i < NVALIDATORS; i++)
            kinds[i] = validators[i].kind;
        const char *s = cli_suggest(pos[0], kinds, NVALIDATORS);
        if (s)
            return cli_error(CLI_EXIT_USAGE, "cannot validate '%s'; did you mean '%s'?", pos[0], s);
        return cli_error(CLI_EXIT_USAGE,
                         "cannot validate '%s'; the kinds are nip, regon, vat, iban, nrb, ean",
                         pos[0]);
    }
    struct kt_err err;
    kt_err_clear(&err);
    int bad = validators[k].check(pos[1], &err);
    if (bad != 0 && bad != KT_EINVAL)
        return cli_error(cli_exit_for(bad), "%s", err.msg);
    if (cli->json) {
        rc = cli_print_json(json_pack("{s:s, s:s, s:b, s:s?}", "kind", validators[k].kind, "value",
                                      pos[1], "valid", bad == 0, "reason", bad ? err.msg : NULL));
        if (rc != 0)
            return rc;
    } else if (bad == 0) {
        printf("valid: %s %s\n", validators[k].label, pos[1]);
    } else {
        printf("invalid: %s\n", err.msg);
    }
    return bad == 0 ? CLI_EXIT_OK : CLI_EXIT_NO;
}

static const char *const word_currencies[] = {"PLN", "EUR", "USD"};
static const char *const word_langs[] = {"pl", "en", "de"};

/* The entry of list equal to s ignoring case, or NULL. */
static const char *pick(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(s, list[i]) == 0)
            return list[i];
    return NULL;
}

int cli_cmd_words(struct cli *cli, int argc, char **argv)
{
    const char *currency_arg = "PLN", *lang_arg = "pl";
    const struct cli_opt opts[] = {
        {.name = "currency", .value = &currency_arg},
        {.name = "lang", .value = &lang_arg},
    };
    char *pos[1];
    size_t npos;
    int rc = cli_parse_opts("words", argc, argv, opts, 2, pos, 1, &npos);
    if (rc != 0)
        return rc;
    if (npos == 0)
        return cli_error(CLI_EXIT_USAGE, "'words' needs an amount, e.g. 'kontor words 123,45 "
                                         "--currency PLN --lang pl'");
    const char *currency = pick(currency_arg, word_currencies, 3);
    if (!currency)
        return cli_error(CLI_EXIT_USAGE, "--currency must be PLN, EUR or USD, not '%s'",
                         currency_arg);
    const char *lang = pick(lang_arg, word_langs, 3);
    if (!lang)
        return cli_error(CLI_EXIT_USAGE, "--lang must be pl, en or de, not '%s'", lang_arg);

    struct kt_err err;
    kt_err_clear(&err);
    struct kt_buf words, amount;
    kt_buf_init(&words, 4096);
    kt_buf_init(&amount, 64);
    int64_t minor;
    if (kt_money_parse(pos[0], lang, currency, &minor, &err) != 0) {
        rc = cli_error(cli_exit_for(err.code), "%s", err.msg);
        goto out;
    }
    if (kt_amount_in_words(&words, minor, currency, lang, &err) != 0 ||
        kt_money_format_decimal(&amount, minor, currency, &err) != 0) {
        rc = cli_error(cli_exit_for(err.code), "%s", err.msg);
        goto out;
    }
    if (cli->json)
        rc = cli_print_json(json_pack("{s:s, s:s, s:s, s:s}", "amount", kt_buf_str(&amount),
                                      "currency", currency, "lang", lang, "words",
                                      kt_buf_str(&words)));
    else
        printf("%s\n", kt_buf_str(&words));
out:
    kt_buf_release(&words);
    kt_buf_release(&amount);
    return rc;
}

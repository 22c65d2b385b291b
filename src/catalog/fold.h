/*
 * catalog/fold: the catalog's names for the text folding of base/fold.h
 * (which owns it, so that other modules can fold without the catalog).
 */
#ifndef KT_CATALOG_FOLD_H
#define KT_CATALOG_FOLD_H

#include "base/fold.h"

#define CATALOG_FOLD_WORDS KT_FOLD_WORDS
#define CATALOG_FOLD_UMLAUT_E KT_FOLD_UMLAUT_E
#define CATALOG_WORD_MAX KT_FOLD_WORD_MAX
#define catalog_fold kt_fold
#define catalog_utf8_check kt_utf8_check

#endif

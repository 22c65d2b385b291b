-- customer search: search_fold holds a space and then the customer's name
-- folded as base/fold.c kt_fold does (lower case, Latin diacritics removed,
-- Cyrillic lower-cased: "Ogrodnictwo Żółw" -> " ogrodnictwo zolw",
-- "Straße GmbH" -> " strasse gmbh"). src/parties/customer.c writes it with
-- every insert and update and finds words that begin with the folded search
-- text: search_fold LIKE '% zolw%'. Codes are ASCII only, so lower(code) is
-- already their folded form.
--
-- No index: a pattern that starts with % cannot use a B-tree, and the
-- customer list is read page by page in code order (customers_country and
-- the UNIQUE index on code serve that).
--
-- Backfill: SQL cannot call kt_fold, so the rows that exist now get the same
-- mapping spelt out as replace() calls, one per folded character (A-Z,
-- U+00C0..U+017F, U+1E9E, U+0218..U+021B, U+0400..U+042F), generated from
-- the table in base/fold.c, 20 to a statement (SQLite 3.40's parser stack
-- overflows at about 32 nested calls). kt_fold leaves every other
-- character as it is, so the result equals " " + kt_fold(name) exactly.
-- lower() is not used: PostgreSQL's lower() also changes letters that
-- kt_fold keeps (Greek).

ALTER TABLE customers ADD COLUMN search_fold TEXT NOT NULL DEFAULT '';

UPDATE customers SET search_fold = ' ' ||
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name,
    'A', 'a'),
    'B', 'b'),
    'C', 'c'),
    'D', 'd'),
    'E', 'e'),
    'F', 'f'),
    'G', 'g'),
    'H', 'h'),
    'I', 'i'),
    'J', 'j'),
    'K', 'k'),
    'L', 'l'),
    'M', 'm'),
    'N', 'n'),
    'O', 'o'),
    'P', 'p'),
    'Q', 'q'),
    'R', 'r'),
    'S', 's'),
    'T', 't');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'U', 'u'),
    'V', 'v'),
    'W', 'w'),
    'X', 'x'),
    'Y', 'y'),
    'Z', 'z'),
    'À', 'a'),
    'Á', 'a'),
    'Â', 'a'),
    'Ã', 'a'),
    'Ä', 'a'),
    'Å', 'a'),
    'Æ', 'ae'),
    'Ç', 'c'),
    'È', 'e'),
    'É', 'e'),
    'Ê', 'e'),
    'Ë', 'e'),
    'Ì', 'i'),
    'Í', 'i');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'Î', 'i'),
    'Ï', 'i'),
    'Ð', 'd'),
    'Ñ', 'n'),
    'Ò', 'o'),
    'Ó', 'o'),
    'Ô', 'o'),
    'Õ', 'o'),
    'Ö', 'o'),
    'Ø', 'o'),
    'Ù', 'u'),
    'Ú', 'u'),
    'Û', 'u'),
    'Ü', 'u'),
    'Ý', 'y'),
    'Þ', 'th'),
    'ß', 'ss'),
    'à', 'a'),
    'á', 'a'),
    'â', 'a');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'ã', 'a'),
    'ä', 'a'),
    'å', 'a'),
    'æ', 'ae'),
    'ç', 'c'),
    'è', 'e'),
    'é', 'e'),
    'ê', 'e'),
    'ë', 'e'),
    'ì', 'i'),
    'í', 'i'),
    'î', 'i'),
    'ï', 'i'),
    'ð', 'd'),
    'ñ', 'n'),
    'ò', 'o'),
    'ó', 'o'),
    'ô', 'o'),
    'õ', 'o'),
    'ö', 'o');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'ø', 'o'),
    'ù', 'u'),
    'ú', 'u'),
    'û', 'u'),
    'ü', 'u'),
    'ý', 'y'),
    'þ', 'th'),
    'ÿ', 'y'),
    'Ā', 'a'),
    'ā', 'a'),
    'Ă', 'a'),
    'ă', 'a'),
    'Ą', 'a'),
    'ą', 'a'),
    'Ć', 'c'),
    'ć', 'c'),
    'Ĉ', 'c'),
    'ĉ', 'c'),
    'Ċ', 'c'),
    'ċ', 'c');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'Č', 'c'),
    'č', 'c'),
    'Ď', 'd'),
    'ď', 'd'),
    'Đ', 'd'),
    'đ', 'd'),
    'Ē', 'e'),
    'ē', 'e'),
    'Ĕ', 'e'),
    'ĕ', 'e'),
    'Ė', 'e'),
    'ė', 'e'),
    'Ę', 'e'),
    'ę', 'e'),
    'Ě', 'e'),
    'ě', 'e'),
    'Ĝ', 'g'),
    'ĝ', 'g'),
    'Ğ', 'g'),
    'ğ', 'g');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'Ġ', 'g'),
    'ġ', 'g'),
    'Ģ', 'g'),
    'ģ', 'g'),
    'Ĥ', 'h'),
    'ĥ', 'h'),
    'Ħ', 'h'),
    'ħ', 'h'),
    'Ĩ', 'i'),
    'ĩ', 'i'),
    'Ī', 'i'),
    'ī', 'i'),
    'Ĭ', 'i'),
    'ĭ', 'i'),
    'Į', 'i'),
    'į', 'i'),
    'İ', 'i'),
    'ı', 'i'),
    'Ĳ', 'ij'),
    'ĳ', 'ij');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'Ĵ', 'j'),
    'ĵ', 'j'),
    'Ķ', 'k'),
    'ķ', 'k'),
    'ĸ', 'k'),
    'Ĺ', 'l'),
    'ĺ', 'l'),
    'Ļ', 'l'),
    'ļ', 'l'),
    'Ľ', 'l'),
    'ľ', 'l'),
    'Ŀ', 'l'),
    'ŀ', 'l'),
    'Ł', 'l'),
    'ł', 'l'),
    'Ń', 'n'),
    'ń', 'n'),
    'Ņ', 'n'),
    'ņ', 'n'),
    'Ň', 'n');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'ň', 'n'),
    'ŉ', 'n'),
    'Ŋ', 'n'),
    'ŋ', 'n'),
    'Ō', 'o'),
    'ō', 'o'),
    'Ŏ', 'o'),
    'ŏ', 'o'),
    'Ő', 'o'),
    'ő', 'o'),
    'Œ', 'oe'),
    'œ', 'oe'),
    'Ŕ', 'r'),
    'ŕ', 'r'),
    'Ŗ', 'r'),
    'ŗ', 'r'),
    'Ř', 'r'),
    'ř', 'r'),
    'Ś', 's'),
    'ś', 's');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'Ŝ', 's'),
    'ŝ', 's'),
    'Ş', 's'),
    'ş', 's'),
    'Š', 's'),
    'š', 's'),
    'Ţ', 't'),
    'ţ', 't'),
    'Ť', 't'),
    'ť', 't'),
    'Ŧ', 't'),
    'ŧ', 't'),
    'Ũ', 'u'),
    'ũ', 'u'),
    'Ū', 'u'),
    'ū', 'u'),
    'Ŭ', 'u'),
    'ŭ', 'u'),
    'Ů', 'u'),
    'ů', 'u');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'Ű', 'u'),
    'ű', 'u'),
    'Ų', 'u'),
    'ų', 'u'),
    'Ŵ', 'w'),
    'ŵ', 'w'),
    'Ŷ', 'y'),
    'ŷ', 'y'),
    'Ÿ', 'y'),
    'Ź', 'z'),
    'ź', 'z'),
    'Ż', 'z'),
    'ż', 'z'),
    'Ž', 'z'),
    'ž', 'z'),
    'ſ', 's'),
    'ẞ', 'ss'),
    'Ș', 's'),
    'ș', 's'),
    'Ț', 't');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'ț', 't'),
    'А', 'а'),
    'Б', 'б'),
    'В', 'в'),
    'Г', 'г'),
    'Д', 'д'),
    'Е', 'е'),
    'Ж', 'ж'),
    'З', 'з'),
    'И', 'и'),
    'Й', 'й'),
    'К', 'к'),
    'Л', 'л'),
    'М', 'м'),
    'Н', 'н'),
    'О', 'о'),
    'П', 'п'),
    'Р', 'р'),
    'С', 'с'),
    'Т', 'т');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'У', 'у'),
    'Ф', 'ф'),
    'Х', 'х'),
    'Ц', 'ц'),
    'Ч', 'ч'),
    'Ш', 'ш'),
    'Щ', 'щ'),
    'Ъ', 'ъ'),
    'Ы', 'ы'),
    'Ь', 'ь'),
    'Э', 'э'),
    'Ю', 'ю'),
    'Я', 'я'),
    'Ѐ', 'ѐ'),
    'Ё', 'ё'),
    'Ђ', 'ђ'),
    'Ѓ', 'ѓ'),
    'Є', 'є'),
    'Ѕ', 'ѕ'),
    'І', 'і');

UPDATE customers SET search_fold =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(search_fold,
    'Ї', 'ї'),
    'Ј', 'ј'),
    'Љ', 'љ'),
    'Њ', 'њ'),
    'Ћ', 'ћ'),
    'Ќ', 'ќ'),
    'Ѝ', 'ѝ'),
    'Ў', 'ў'),
    'Џ', 'џ');

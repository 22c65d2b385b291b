/*
 * Functions that make overflows or hidden state easy are compile errors.
 * Include this header LAST in every .c file under src/ (after system
 * headers, which declare the names we ban). A test checks that every
 * source file includes it.
 */
#ifndef KT_BANNED_H
#define KT_BANNED_H

#define KT_BANNED(func) sorry_##func##_is_banned_use_kt_buf_or_checked_parsers

#undef strcpy
#define strcpy(x, y) KT_BANNED(strcpy)
#undef strcat
#define strcat(x, y) KT_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) KT_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) KT_BANNED(strncat)
#undef sprintf
#define sprintf(...) KT_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) KT_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) KT_BANNED(strtok)
#undef atoi
#define atoi(x) KT_BANNED(atoi)
#undef atol
#define atol(x) KT_BANNED(atol)
#undef gets
#define gets(x) KT_BANNED(gets)

#endif

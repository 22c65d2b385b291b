#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"

static void allocations_are_aligned_and_distinct(void **state)
{
    struct kt_arena a;
    kt_arena_init(&a, 0);
    char *p = kt_arena_alloc(&a, 1);
    char *q = kt_arena_alloc(&a, 3);
    long double *r = kt_arena_alloc(&a, sizeof *r);
    assert_non_null(p);
    assert_non_null(q);
    assert_non_null(r);
    assert_true(p != q);
    assert_int_equal((uintptr_t)q % _Alignof(max_align_t), 0);
    assert_int_equal((uintptr_t)r % _Alignof(max_align_t), 0);
    *r = 1.5L;
    memset(q, 'x', 3);
    assert_true(*r == 1.5L);
    kt_arena_release(&a);
    assert_null(a.head);
}

static void large_allocation_gets_its_own_block(void **state)
{
    struct kt_arena a;
    kt_arena_init(&a, 0);
    char *small = kt_arena_strdup(&a, "first");
    char *big = kt_arena_alloc(&a, 100000);
    assert_non_null(big);
    memset(big, 0xAB, 100000);
    char *after = kt_arena_strdup(&a, "second");
    assert_string_equal(small, "first");
    assert_string_equal(after, "second");
    kt_arena_release(&a);
}

static void limit_is_enforced(void **state)
{
    struct kt_arena a;
    kt_arena_init(&a, 1024);
    assert_non_null(kt_arena_alloc(&a, 1000));
    assert_null(kt_arena_alloc(&a, 100));
    assert_null(kt_arena_alloc(&a, SIZE_MAX));
    kt_arena_release(&a);
}

static void string_helpers_copy(void **state)
{
    struct kt_arena a;
    kt_arena_init(&a, 0);
    assert_string_equal(kt_arena_strndup(&a, "Żółw123", strlen("Żółw")), "Żółw");
    assert_string_equal(kt_arena_printf(&a, "%s/%03d", "PF", 7), "PF/007");
    char *z = kt_arena_zalloc(&a, 64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(z[i], 0);
    kt_arena_release(&a);
}

static void many_small_allocations_survive_until_release(void **state)
{
    struct kt_arena a;
    kt_arena_init(&a, 0);
    int *ptrs[5000];
    for (int i = 0; i < 5000; i++) {
        ptrs[i] = kt_arena_alloc(&a, sizeof(int));
        assert_non_null(ptrs[i]);
        *ptrs[i] = i;
    }
    for (int i = 0; i < 5000; i++)
        assert_int_equal(*ptrs[i], i);
    kt_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allocations_are_aligned_and_distinct),
        cmocka_unit_test(large_allocation_gets_its_own_block),
        cmocka_unit_test(limit_is_enforced),
        cmocka_unit_test(string_helpers_copy),
        cmocka_unit_test(many_small_allocations_survive_until_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <vips/vips.h>

#include "fixture.h"
#include "catalog/image.h"
#include "store/blob.h"

struct img_fixture {
    struct fixture *db;
    char dir[64];
    int64_t product;
};

static int setup(void **state)
{
    struct img_fixture *f = calloc(1, sizeof *f);
    void *db = NULL;
    if (!f || fixture_setup(&db) < 0)
        return -1;
    f->db = db;
    snprintf(f->dir, sizeof f->dir, "/tmp/kontor-img.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->product = fixture_create(f->db->st, "IMG-1", "Produkt ze zdjęciem", NULL, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct img_fixture *f = *state;
    char cmd[128];
    void *db = f->db;
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    fixture_teardown(&db);
    free(f);
    return 0;
}

/* A real image of w x h pixels, encoded by libvips as fmt (".jpg", ".png",
 * ".webp"). g_free the result. */
static void *make_image(int w, int h, int bands, const char *fmt, size_t *n)
{
    VipsImage *black = NULL, *img = NULL;
    void *buf = NULL;
    if (VIPS_INIT("test_image") != 0)
        fail_msg("vips init");
    if (vips_black(&black, w, h, "bands", bands, NULL) != 0 ||
        vips_linear1(black, &img, 1.0, 128.0, "uchar", TRUE, NULL) != 0 ||
        vips_image_write_to_buffer(img, fmt, &buf, n, NULL) != 0)
        fail_msg("vips: %s", vips_error_buffer());
    g_object_unref(black);
    g_object_unref(img);
    return buf;
}

static void decoded_size(const struct kt_buf *b, int *w, int *h)
{
    VipsImage *im = vips_image_new_from_buffer(b->data, b->len, "", NULL);
    assert_non_null(im);
    *w = vips_image_get_width(im);
    *h = vips_image_get_height(im);
    g_object_unref(im);
}

static void test_formats_and_thumbnails(void **state)
{
    struct img_fixture *f = *state;
    struct store *st = f->db->st;
    struct catalog_image img;
    struct kt_err err;
    struct kt_buf thumb;
    size_t n;
    int w, h;
    static const struct {
        const char *fmt, *mime;
        int w, h, bands, tw, th;
    } cases[] = {
        {".jpg", "image/jpeg", 800, 600, 3, 320, 240},
        {".png", "image/png", 100, 400, 4, 80, 320},
        {".webp", "image/webp", 50, 40, 3, 50, 40}, /* small: not enlarged */
    };
    kt_buf_init(&thumb, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        void *data = make_image(cases[i].w, cases[i].h, cases[i].bands, cases[i].fmt, &n);
        assert_int_equal(catalog_image_add(st, f->dir, f->product, data, n, NULL, &img, &err), 0);
        assert_string_equal(img.mime, cases[i].mime);
        assert_int_equal(img.width, cases[i].w);
        assert_int_equal(img.height, cases[i].h);
        assert_int_equal(img.bytes, (int64_t)n);
        assert_int_equal(img.position, (int)i);
        assert_int_equal(
            catalog_image_thumbnail(st, f->dir, f->product, img.blob_hash, NULL, &thumb, &err), 0);
        assert_memory_equal(thumb.data + 8, "WEBP", 4);
        decoded_size(&thumb, &w, &h);
        assert_int_equal(w, cases[i].tw);
        assert_int_equal(h, cases[i].th);
        g_free(data);
    }
    kt_buf_release(&thumb);
    assert_int_equal(fixture_int(st, "SELECT count(*) FROM events"), 4); /* create + 3 images */
}

static void test_spoofed_files_rejected(void **state)
{
    struct img_fixture *f = *state;
    struct store *st = f->db->st;
    struct kt_err err;
    char path[128];
    static const unsigned char elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    static const unsigned char fake_jpeg[64] = {0xFF, 0xD8, 0xFF, 0xE0, 'n', 'o', 'p', 'e'};

    assert_int_equal(catalog_image_add(st, f->dir, f->product, elf, sizeof elf, NULL, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "ELF executable, not a JPEG, PNG or WebP image"));

    /* an executable renamed .jpg: the name does not matter */
    snprintf(path, sizeof path, "%s/photo.jpg", f->dir);
    FILE *out = fopen(path, "wb");
    FILE *in = fopen("/bin/true", "rb");
    assert_non_null(out);
    assert_non_null(in);
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, got, out), got);
    fclose(in);
    fclose(out);
    assert_int_equal(catalog_image_add_file(st, f->dir, f->product, path, NULL, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "ELF executable"));

    assert_int_equal(catalog_image_add(st, f->dir, f->product, "MZ\x90\x00", 4, NULL, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "Windows executable"));
    assert_int_equal(catalog_image_add(st, f->dir, f->product, "GIF89a..", 8, NULL, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "GIF"));
    assert_int_equal(catalog_image_add(st, f->dir, f->product, "", 0, NULL, NULL, &err), KT_EINVAL);
    /* JPEG magic, garbage after it */
    assert_int_equal(
        catalog_image_add(st, f->dir, f->product, fake_jpeg, sizeof fake_jpeg, NULL, NULL, &err),
        KT_EINVAL);
    assert_non_null(strstr(err.msg, "damaged"));
    /* a real JPEG cut in half: the header is fine, the pixels are not */
    size_t n;
    void *data = make_image(400, 300, 3, ".jpg", &n);
    assert_int_equal(catalog_image_add(st, f->dir, f->product, data, n / 2, NULL, NULL, &err),
                     KT_EINVAL);
    assert_non_null(strstr(err.msg, "could not be decoded"));
    g_free(data);
    assert_int_equal(fixture_int(st, "SELECT count(*) FROM product_images"), 0);
}

static void test_limits(void **state)
{
    struct img_fixture *f = *state;
    struct store *st = f->db->st;
    struct catalog_image_limits lim;
    struct kt_err err;
    size_t n;
    void *data = make_image(800, 600, 3, ".jpg", &n);

    catalog_image_limits_init(&lim);
    assert_int_equal(lim.max_bytes, (size_t)10 << 20);
    lim.max_bytes = n - 1;
    assert_int_equal(catalog_image_add(st, f->dir, f->product, data, n, &lim, NULL, &err),
                     KT_ELIMIT);
    assert_non_null(strstr(err.msg, "bytes"));
    catalog_image_limits_init(&lim);
    lim.max_pixels = 800 * 600 - 1;
    assert_int_equal(catalog_image_add(st, f->dir, f->product, data, n, &lim, NULL, &err),
                     KT_ELIMIT);
    assert_non_null(strstr(err.msg, "800 x 600 pixels"));
    g_free(data);

    /* a decompression bomb: a small PNG of 56 megapixels */
    data = make_image(8000, 7000, 1, ".png", &n);
    assert_true(n < ((size_t)1 << 20));
    assert_int_equal(catalog_image_add(st, f->dir, f->product, data, n, NULL, NULL, &err),
                     KT_ELIMIT);
    g_free(data);
    assert_int_equal(fixture_int(st, "SELECT count(*) FROM product_images"), 0);
}

static void test_order_reorder_remove(void **state)
{
    struct img_fixture *f = *state;
    struct store *st = f->db->st;
    struct catalog_image img[3], *list;
    struct kt_err err;
    size_t n, count;
    for (int i = 0; i < 3; i++) {
        void *data = make_image(20 + i, 20, 3, ".png", &n);
        assert_int_equal(catalog_image_add(st, f->dir, f->product, data, n, NULL, &img[i], &err),
                         0);
        g_free(data);
    }
    void *again = make_image(20, 20, 3, ".png", &n);
    assert_int_equal(catalog_image_add(st, f->dir, f->product, again, n, NULL, NULL, &err),
                     KT_EEXIST);
    assert_int_equal(catalog_image_add(st, f->dir, f->product + 99, again, n, NULL, NULL, &err),
                     KT_ENOTFOUND);
    g_free(again);

    const char *order[] = {img[2].blob_hash, img[0].blob_hash, img[1].blob_hash};
    assert_int_equal(catalog_image_reorder(st, f->product, order, 3, &err), 0);
    assert_int_equal(catalog_image_list(st, f->product, &f->db->arena, &list, &count, &err), 0);
    assert_int_equal(count, 3);
    assert_string_equal(list[0].blob_hash, img[2].blob_hash); /* the main image */
    assert_int_equal(list[0].width, 22);
    assert_string_equal(list[2].blob_hash, img[1].blob_hash);

    /* a list asks for the main images of its page at once */
    int64_t ids[] = {f->product + 99, f->product};
    const char *mains[2];
    assert_int_equal(catalog_image_main_hashes(st, ids, 2, &f->db->arena, mains, &err), 0);
    assert_null(mains[0]);
    assert_string_equal(mains[1], img[2].blob_hash);
    int64_t many[CATALOG_IMAGE_MAIN_MAX + 1] = {0};
    const char *many_out[CATALOG_IMAGE_MAIN_MAX + 1];
    assert_int_equal(catalog_image_main_hashes(st, many, CATALOG_IMAGE_MAIN_MAX + 1, &f->db->arena,
                                               many_out, &err),
                     KT_EINVAL);

    const char *incomplete[] = {img[2].blob_hash, img[0].blob_hash};
    assert_int_equal(catalog_image_reorder(st, f->product, incomplete, 2, &err), KT_EINVAL);
    const char *twice[] = {img[2].blob_hash, img[2].blob_hash, img[1].blob_hash};
    assert_int_equal(catalog_image_reorder(st, f->product, twice, 3, &err), KT_EINVAL);

    assert_int_equal(catalog_image_remove(st, f->product, img[2].blob_hash, &err), 0);
    assert_int_equal(catalog_image_list(st, f->product, &f->db->arena, &list, &count, &err), 0);
    assert_int_equal(count, 2);
    assert_string_equal(list[0].blob_hash, img[0].blob_hash);
    assert_int_equal(list[0].position, 0);
    assert_int_equal(list[1].position, 1);
    assert_int_equal(catalog_image_remove(st, f->product, img[2].blob_hash, &err), KT_ENOTFOUND);
}

static void test_thumbnail_rebuilt(void **state)
{
    struct img_fixture *f = *state;
    struct store *st = f->db->st;
    struct catalog_image img;
    struct kt_err err;
    struct kt_buf thumb;
    char path[512];
    size_t n;
    int w, h;
    void *data = make_image(640, 320, 3, ".jpg", &n);
    assert_int_equal(catalog_image_add(st, f->dir, f->product, data, n, NULL, &img, &err), 0);
    g_free(data);
    assert_int_equal(blob_path(f->dir, img.thumb_hash, path, sizeof path, &err), 0);
    assert_int_equal(unlink(path), 0);
    kt_buf_init(&thumb, 0);
    assert_int_equal(
        catalog_image_thumbnail(st, f->dir, f->product, img.blob_hash, NULL, &thumb, &err), 0);
    decoded_size(&thumb, &w, &h);
    assert_int_equal(w, 320);
    assert_int_equal(h, 160);
    assert_int_equal(blob_exists(f->dir, img.thumb_hash, &err), 1);
    kt_buf_release(&thumb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_formats_and_thumbnails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spoofed_files_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_reorder_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thumbnail_rebuilt, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Proxy URL parsing (src/proxy_url.c): every scheme, userinfo, IPv6,
   default ports, the display form without secrets, every malformed form,
   and the target-dependent checks. */
#include <string.h>

#include "xtest.h"

#include "proxy/proxy_url.h"

typedef struct good_case {
    const char *url;
    int scheme;
    const char *host;
    int port;
    int has_user, has_password;
    const char *user, *password;
    const char *display;
} good_case;

static void check_good(const good_case *c)
{
    xsock__proxy_url u;
    int rc = xsock__proxy_url_parse(c->url, &u);
    if (rc != XSOCK_OK) fail_msg("rejected \"%s\": %s", c->url, u.error ? u.error : "?");
    assert_null(u.error);
    assert_int_equal(u.scheme, c->scheme);
    assert_string_equal(u.host, c->host);
    assert_int_equal(u.port, c->port);
    assert_int_equal(u.has_user, c->has_user);
    assert_int_equal(u.has_password, c->has_password);
    assert_string_equal(u.user, c->user);
    assert_string_equal(u.password, c->password);
    assert_string_equal(u.display, c->display);
    if (strlen(u.password) >= 4) assert_null(strstr(u.display, u.password));
    assert_null(strchr(u.display, '@'));
}

static void valid_urls(void **state)
{
    (void)state;
    const good_case cases[] = {
        {"socks4://proxy", XSOCK__PROXY_SOCKS4, "proxy", 1080, 0, 0, "", "", "socks4://proxy"},
        {"socks4a://proxy", XSOCK__PROXY_SOCKS4A, "proxy", 1080, 0, 0, "", "", "socks4a://proxy"},
        {"socks5://proxy", XSOCK__PROXY_SOCKS5, "proxy", 1080, 0, 0, "", "", "socks5://proxy"},
        {"socks5h://proxy", XSOCK__PROXY_SOCKS5H, "proxy", 1080, 0, 0, "", "", "socks5h://proxy"},
        {"http://proxy", XSOCK__PROXY_HTTP, "proxy", 8080, 0, 0, "", "", "http://proxy"},
        {"http://proxy:3128", XSOCK__PROXY_HTTP, "proxy", 3128, 0, 0, "", "", "http://proxy:3128"},
        {"http://proxy:3128/", XSOCK__PROXY_HTTP, "proxy", 3128, 0, 0, "", "", "http://proxy:3128/"},
        {"socks5://proxy/", XSOCK__PROXY_SOCKS5, "proxy", 1080, 0, 0, "", "", "socks5://proxy/"},
        {"direct", XSOCK__PROXY_DIRECT, "", 0, 0, 0, "", "", "direct"},
        {"SOCKS5H://Proxy.Example.COM:1", XSOCK__PROXY_SOCKS5H, "Proxy.Example.COM", 1, 0, 0, "", "",
         "SOCKS5H://Proxy.Example.COM:1"},
        {"Http://p:65535", XSOCK__PROXY_HTTP, "p", 65535, 0, 0, "", "", "Http://p:65535"},
        {"socks5://p:01080", XSOCK__PROXY_SOCKS5, "p", 1080, 0, 0, "", "", "socks5://p:01080"},
        {"socks5://127.0.0.1:9050", XSOCK__PROXY_SOCKS5, "127.0.0.1", 9050, 0, 0, "", "",
         "socks5://127.0.0.1:9050"},
        {"socks5://[::1]:1080", XSOCK__PROXY_SOCKS5, "::1", 1080, 0, 0, "", "", "socks5://[::1]:1080"},
        {"http://[2001:db8::1]", XSOCK__PROXY_HTTP, "2001:db8::1", 8080, 0, 0, "", "",
         "http://[2001:db8::1]"},
        {"socks5://[fe80::1%252]:1", XSOCK__PROXY_SOCKS5, "fe80::1%2", 1, 0, 0, "", "",
         "socks5://[fe80::1%252]:1"},
        {"socks5://[::ffff:1.2.3.4]", XSOCK__PROXY_SOCKS5, "::ffff:1.2.3.4", 1080, 0, 0, "", "",
         "socks5://[::ffff:1.2.3.4]"},
        {"socks5://my_proxy-1.lan~x", XSOCK__PROXY_SOCKS5, "my_proxy-1.lan~x", 1080, 0, 0, "", "",
         "socks5://my_proxy-1.lan~x"},
        /* userinfo */
        {"socks5://user:pass@proxy:1080", XSOCK__PROXY_SOCKS5, "proxy", 1080, 1, 1, "user", "pass",
         "socks5://proxy:1080"},
        {"socks5h://user@proxy", XSOCK__PROXY_SOCKS5H, "proxy", 1080, 1, 0, "user", "",
         "socks5h://proxy"},
        {"socks5h://user:@proxy", XSOCK__PROXY_SOCKS5H, "proxy", 1080, 1, 1, "user", "",
         "socks5h://proxy"},
        {"http://:pass@proxy", XSOCK__PROXY_HTTP, "proxy", 8080, 1, 1, "", "pass", "http://proxy"},
        {"socks4://:x@proxy", XSOCK__PROXY_SOCKS4, "proxy", 1080, 1, 1, "", "x", "socks4://proxy"},
        {"socks4://alice@10.0.0.1:1081/", XSOCK__PROXY_SOCKS4, "10.0.0.1", 1081, 1, 0, "alice", "",
         "socks4://10.0.0.1:1081/"},
        {"http://u%40x:p%2Fw%3a%25@h", XSOCK__PROXY_HTTP, "h", 8080, 1, 1, "u@x", "p/w:%",
         "http://h"},
        {"socks5://u:a:b:c@h", XSOCK__PROXY_SOCKS5, "h", 1080, 1, 1, "u", "a:b:c", "socks5://h"},
        {"socks5://u%3Av:p@h", XSOCK__PROXY_SOCKS5, "h", 1080, 1, 1, "u:v", "p", "socks5://h"},
        {"socks5://%C3%A9t%C3%A9:p%C3%A4ss@h", XSOCK__PROXY_SOCKS5, "h", 1080, 1, 1,
         "\xc3\xa9t\xc3\xa9", "p\xc3\xa4ss", "socks5://h"},
        {"socks5://u:p\xc3\xa4ss@h", XSOCK__PROXY_SOCKS5, "h", 1080, 1, 1, "u", "p\xc3\xa4ss",
         "socks5://h"},
        {"socks5://u:!$&'()*+,;=@h", XSOCK__PROXY_SOCKS5, "h", 1080, 1, 1, "u", "!$&'()*+,;=",
         "socks5://h"},
        {"http://user:secret@[::1]:3128/", XSOCK__PROXY_HTTP, "::1", 3128, 1, 1, "user", "secret",
         "http://[::1]:3128/"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_good(&cases[i]);
}

static void field_limits(void **state)
{
    (void)state;
    static char url[2048], want[512];
    xsock__proxy_url u;
    /* 255-byte host, user and password pass; 256 fail */
    char f255[256], f256[257];
    memset(f255, 'a', 255);
    f255[255] = '\0';
    memset(f256, 'a', 256);
    f256[256] = '\0';
    snprintf(url, sizeof url, "socks5h://%s:%s@%s:65535/", f255, f255, f255);
    assert_int_equal(xsock__proxy_url_parse(url, &u), XSOCK_OK);
    assert_int_equal(strlen(u.user), 255);
    assert_int_equal(strlen(u.password), 255);
    assert_int_equal(strlen(u.host), 255);
    snprintf(want, sizeof want, "socks5h://%s:65535/", f255);
    assert_string_equal(u.display, want);
    snprintf(url, sizeof url, "socks5h://%s:p@h", f256);
    assert_int_equal(xsock__proxy_url_parse(url, &u), XSOCK_EINVAL);
    assert_non_null(strstr(u.error, "255"));
    snprintf(url, sizeof url, "socks5h://u:%s@h", f256);
    assert_int_equal(xsock__proxy_url_parse(url, &u), XSOCK_EINVAL);
    snprintf(url, sizeof url, "socks5h://u:p@%s", f256);
    assert_int_equal(xsock__proxy_url_parse(url, &u), XSOCK_EINVAL);
    /* the limit counts decoded bytes: 255 x "%41" is fine, 256 is not */
    char enc[256 * 3 + 1];
    for (int i = 0; i < 255; i++) memcpy(enc + 3 * i, "%41", 3);
    enc[255 * 3] = '\0';
    snprintf(url, sizeof url, "socks5://u:%s@h", enc);
    assert_int_equal(xsock__proxy_url_parse(url, &u), XSOCK_OK);
    assert_int_equal(strlen(u.password), 255);
    memcpy(enc + 255 * 3, "%41", 4);
    snprintf(url, sizeof url, "socks5://u:%s@h", enc);
    assert_int_equal(xsock__proxy_url_parse(url, &u), XSOCK_EINVAL);
}

static void malformed_urls(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "direct ",
        "Direct",
        "DIRECT",
        "socks5",
        "socks5:",
        "socks5:/proxy",
        "socks5:proxy:1080",
        "proxy:1080",
        "//proxy:1080",
        "://proxy",
        "ftp://proxy",
        "https://proxy",
        "socks://proxy",
        "socks6://proxy",
        "socks5 ://proxy",
        "socks5://",
        "socks5:///",
        "socks5://:1080",
        "socks5://proxy:",
        "socks5://proxy:0",
        "socks5://proxy:00000",
        "socks5://proxy:65536",
        "socks5://proxy:99999",
        "socks5://proxy:123456",
        "socks5://proxy:4294967377",
        "socks5://proxy:-1",
        "socks5://proxy:+80",
        "socks5://proxy:8o",
        "socks5://proxy:80:81",
        "socks5://proxy: 80",
        "socks5://proxy:80/path",
        "socks5://proxy/x",
        "socks5://proxy//",
        "socks5://proxy?x=1",
        "socks5://proxy/?x",
        "socks5://proxy#frag",
        "socks5://@proxy",
        "socks5://:pass@proxy",
        "socks5h://:@proxy",
        "socks5://u:p@@proxy",
        "socks5://u@p@proxy",
        "socks5://u%zz@proxy",
        "socks5://u%4@proxy",
        "socks5://u%@proxy",
        "socks5://u:p%0d%0a@proxy",
        "socks5://u:p%0A@proxy",
        "socks5://u:%00@proxy",
        "socks5://u%7f:p@proxy",
        "socks5://u%09:p@proxy",
        "http://u%3Ax:p@proxy",
        "http://a%3a:p@proxy",
        "socks5://u[:p@proxy",
        "socks5://proxy\r\n",
        "socks5://pro\nxy",
        "socks5://proxy\t",
        "socks5://pro xy",
        " socks5://proxy",
        "socks5://u:p q@proxy",
        "socks5://u:p\r@proxy",
        "socks5://pr\xc3\xb6xy",
        "socks5://pro%78y",
        "socks5://pro$xy",
        "socks5://pro,xy",
        "socks5://[::1",
        "socks5://[::1]x",
        "socks5://[::1]:",
        "socks5://[::1]:0",
        "socks5://[::1]]",
        "socks5://[]",
        "socks5://[1.2.3.4]",
        "socks5://[zz::1]",
        "socks5://[proxy]",
        "socks5://[fe80::1%2]",
        "socks5://[fe80::1%25]",
        "socks5://[fe80::1%25eth0]",
        "socks5://::1",
        "socks5://::1:1080",
        "socks5://2001:db8::1",
        "http://[::1]:8080/x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xsock__proxy_url u;
        memset(&u, 0x5a, sizeof u);
        int rc = xsock__proxy_url_parse(bad[i], &u);
        if (rc != XSOCK_EINVAL) fail_msg("accepted \"%s\" (rc %d)", bad[i], rc);
        assert_non_null(u.error);
        /* nothing of the URL survives in the struct */
        assert_string_equal(u.password, "");
        assert_string_equal(u.user, "");
        assert_string_equal(u.display, "");
    }
    xsock__proxy_url u;
    assert_int_equal(xsock__proxy_url_parse(NULL, &u), XSOCK_EINVAL);
    assert_int_equal(xsock__proxy_url_parse("direct", NULL), XSOCK_EINVAL);
}

static void reasons_name_the_problem(void **state)
{
    (void)state;
    xsock__proxy_url u;
    const struct {
        const char *url, *why;
    } cases[] = {
        {"proxy:1080", "://"},
        {"ftp://p", "scheme"},
        {"socks5://", "host"},
        {"socks5://p:0", "port"},
        {"socks5://p:70000", "port"},
        {"socks5://p/x", "path"},
        {"http://a%3Ab:c@p", "':'"},
        {"socks5://u:p%0D@p", "control"},
        {"socks5://:secret@p", "SOCKS5 user"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(xsock__proxy_url_parse(cases[i].url, &u), XSOCK_EINVAL);
        if (!strstr(u.error, cases[i].why)) fail_msg("\"%s\": %s", cases[i].url, u.error);
        assert_null(strstr(u.error, "secret"));
    }
}

static void scheme_names(void **state)
{
    (void)state;
    assert_string_equal(xsock__proxy_scheme_name(XSOCK__PROXY_DIRECT), "direct");
    assert_string_equal(xsock__proxy_scheme_name(XSOCK__PROXY_SOCKS4), "socks4");
    assert_string_equal(xsock__proxy_scheme_name(XSOCK__PROXY_SOCKS4A), "socks4a");
    assert_string_equal(xsock__proxy_scheme_name(XSOCK__PROXY_SOCKS5), "socks5");
    assert_string_equal(xsock__proxy_scheme_name(XSOCK__PROXY_SOCKS5H), "socks5h");
    assert_string_equal(xsock__proxy_scheme_name(XSOCK__PROXY_HTTP), "http");
    assert_string_equal(xsock__proxy_scheme_name(99), "?");
}

static void wipe_clears_the_password(void **state)
{
    (void)state;
    xsock__proxy_url u;
    assert_int_equal(xsock__proxy_url_parse("socks5://u:topsecret@h", &u), XSOCK_OK);
    xsock__proxy_url_wipe(&u);
    const unsigned char *p = (const unsigned char *)&u;
    for (size_t i = 0; i < sizeof u; i++) assert_int_equal(p[i], 0);
}

static int check(const char *url, const char *host)
{
    xsock__proxy_url u;
    assert_int_equal(xsock__proxy_url_parse(url, &u), XSOCK_OK);
    const char *why = "unset";
    int rc = xsock__proxy_check_target(&u, host, 80, &why);
    if (rc == XSOCK_OK)
        assert_null(why);
    else
        assert_non_null(why);
    return rc;
}

static void target_checks(void **state)
{
    (void)state;
    char n255[256], n256[257];
    memset(n255, 'a', 255);
    n255[255] = '\0';
    memset(n256, 'a', 256);
    n256[256] = '\0';

    /* IPv6 with SOCKS4/4a */
    const char *v6[] = {"::1", "[::1]", "2001:db8::1", "fe80::1%3"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(check("socks4://p", v6[i]), XSOCK_EAFNOSUPPORT);
        assert_int_equal(check("socks4a://p", v6[i]), XSOCK_EAFNOSUPPORT);
        assert_int_equal(check("socks5://p", v6[i]), XSOCK_OK);
        assert_int_equal(check("socks5h://p", v6[i]), XSOCK_OK);
        assert_int_equal(check("http://p", v6[i]), XSOCK_OK);
    }
    assert_int_equal(check("socks4://p", "10.0.0.1"), XSOCK_OK);
    assert_int_equal(check("socks4://p", "example.com"), XSOCK_OK); /* resolved to IPv4 locally */
    assert_int_equal(check("socks4a://p", "example.com"), XSOCK_OK);

    /* name length: socks4a, socks5h and http send it; socks4/socks5 resolve it */
    const char *sends[] = {"socks4a://p", "socks5h://p", "http://p"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(check(sends[i], n255), XSOCK_OK);
        assert_int_equal(check(sends[i], n256), XSOCK_EINVAL);
    }
    assert_int_equal(check("socks5://p", n256), XSOCK_OK);
    assert_int_equal(check("socks4://p", n256), XSOCK_OK);

    /* CR/LF in a host for http */
    const char *evil[] = {"a\r\nHost: b", "a\n", "a\r", "a b", "a\tb", "\x7f"};
    for (int i = 0; i < 6; i++) assert_int_equal(check("http://p", evil[i]), XSOCK_EINVAL);
    assert_int_equal(check("socks5h://p", "a_b-c.d"), XSOCK_OK);

    /* empty and direct */
    assert_int_equal(check("socks5://p", ""), XSOCK_EINVAL);
    assert_int_equal(check("socks5://p", NULL), XSOCK_EINVAL);
    assert_int_equal(check("direct", "::1"), XSOCK_OK);
    assert_int_equal(check("direct", n256), XSOCK_OK);
    assert_int_equal(xsock__proxy_check_target(NULL, "h", 1, NULL), XSOCK_EINVAL);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_urls),
        cmocka_unit_test(field_limits),
        cmocka_unit_test(malformed_urls),
        cmocka_unit_test(reasons_name_the_problem),
        cmocka_unit_test(scheme_names),
        cmocka_unit_test(wipe_clears_the_password),
        cmocka_unit_test(target_checks),
    };
    return XT_RUN(tests);
}

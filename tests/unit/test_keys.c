/* test_keys.c - unit tests for keys.c: names, key files, base64/hex, keydir. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "testhelp.h"

/* A new empty directory under /tmp; caller frees. */
static char *tmpdir(void)
{
	char *d = strdup("/tmp/gs-unit-keys-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static void rmrf(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text to path with mode. */
static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Key file text for name with the given public and secret parts. */
static void key_text(char *buf, size_t n, const char *name,
		     const unsigned char *pk, const unsigned char *sk)
{
	char pk64[64], sk64[128];

	gs_b64(pk, GS_PK_BYTES, pk64, sizeof pk64);
	gs_b64(sk, GS_SK_BYTES, sk64, sizeof sk64);
	snprintf(buf, n, "gridset-key-v1\nname %s\npublic %s\nsecret %s\n", name, pk64, sk64);
}

START_TEST(name_valid)
{
	static const char *const good[] = { "a", "z", "0", "alice", "a1", "9lives",
		"a.b_c-d", "a-", "a.", "op_1", "abcdefghijklmnopqrstuvwxyz012345", NULL };
	static const char *const bad[] = { "", "A", "Alice", "-a", ".a", "_a", "al ice",
		"alice/x", "al@ce", "\xc3\xa9t\xc3\xa9", "a\tb", "abcdefghijklmnopqrstuvwxyz0123456",
		"../x", NULL };

	for (int i = 0; good[i]; i++)
		ck_assert_msg(gs_name_valid(good[i]) == 1, "'%s' should be valid", good[i]);
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(gs_name_valid(bad[i]) == 0, "'%s' should be invalid", bad[i]);
}
END_TEST

/* gs_key_new writes NAME.key 0600 in a 0700 directory it creates, and
 * never overwrites. */
START_TEST(key_new_file)
{
	char *d = tmpdir(), dir[512], path[600], before[1024], after[1024];
	gs_key k, k2;
	struct stat st;
	gs_err e;
	FILE *f;
	size_t n;

	umask(0);	/* the modes must not depend on the umask */
	snprintf(dir, sizeof dir, "%s/sub/keys", d);
	ck_assert_int_eq(gs_key_new(dir, "alice", &k, &e), GS_OK);
	ck_assert_str_eq(k.name, "alice");
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	snprintf(path, sizeof path, "%s/alice.key", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(before, 1, sizeof before - 1, f);
	before[n] = '\0';
	fclose(f);
	ck_assert_msg(strncmp(before, "gridset-key-v1\nname alice\npublic ", 33) == 0, "%s",
		      before);

	/* refuses to overwrite; the file is unchanged */
	ck_assert_int_eq(gs_key_new(dir, "alice", &k2, &e), GS_EREFUSED);
	ck_assert_int_eq(e.code, GS_EREFUSED);
	ck_assert_ptr_nonnull(strstr(e.msg, "already exists"));
	f = fopen(path, "r");
	n = fread(after, 1, sizeof after - 1, f);
	after[n] = '\0';
	fclose(f);
	ck_assert_str_eq(before, after);
	ck_assert(sodium_is_zero(k2.sk, GS_SK_BYTES));

	/* invalid names */
	ck_assert_int_eq(gs_key_new(dir, "Bob", &k2, &e), GS_EUSAGE);
	ck_assert_int_eq(gs_key_new(dir, "../x", &k2, &e), GS_EUSAGE);
	/* unwritable place */
	ck_assert_int_eq(gs_key_new("/proc/gs-no-such/keys", "bob", &k2, &e), GS_ENOFILE);
	gs_key_wipe(&k);
	rmrf(d);
	free(d);
}
END_TEST

/* Load what was written: same name, public and secret key; it signs. */
START_TEST(key_load_round_trip)
{
	char *d = tmpdir(), path[600];
	unsigned char sig[GS_SIG_BYTES];
	gs_key k, l;
	gs_err e;

	ck_assert_int_eq(gs_key_new(d, "bob.1", &k, &e), GS_OK);
	snprintf(path, sizeof path, "%s/bob.1.key", d);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_OK);
	ck_assert_str_eq(l.name, "bob.1");
	ck_assert_int_eq(memcmp(k.pk, l.pk, GS_PK_BYTES), 0);
	ck_assert_int_eq(memcmp(k.sk, l.sk, GS_SK_BYTES), 0);
	crypto_sign_detached(sig, NULL, (const unsigned char *)"m", 1, l.sk);
	ck_assert_int_eq(crypto_sign_verify_detached(sig, (const unsigned char *)"m", 1, k.pk), 0);
	/* 0400 is fine too */
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_OK);
	rmrf(d);
	free(d);
}
END_TEST

/* Group/world accessible -> GS_EPERM; missing -> GS_ENOFILE. */
START_TEST(key_load_perm_and_missing)
{
	char *d = tmpdir(), path[600];
	gs_key k, l;
	gs_err e;

	ck_assert_int_eq(gs_key_new(d, "carol", &k, &e), GS_OK);
	snprintf(path, sizeof path, "%s/carol.key", d);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_EPERM);
	ck_assert_int_eq(e.code, GS_EPERM);
	ck_assert_ptr_nonnull(strstr(e.msg, "chmod 600"));
	ck_assert(sodium_is_zero(l.sk, GS_SK_BYTES));
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_EPERM);
	ck_assert_int_eq(chmod(path, 0610), 0);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_EPERM);
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_OK);

	snprintf(path, sizeof path, "%s/nobody.key", d);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_ENOFILE);
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	/* a directory is not a key */
	ck_assert_int_eq(chmod(d, 0700), 0);
	ck_assert_int_eq(gs_key_load(d, &l, &e), GS_EINPUT);
	rmrf(d);
	free(d);
}
END_TEST

/* Malformed files -> GS_EINPUT. */
START_TEST(key_load_garbage)
{
	static const char *const garbage[] = {
		"",
		"hello world\n",
		"gridset-key-v2\nname a\npublic x\nsecret y\n",
		"gridset-key-v1\nname alice\n",
		"gridset-key-v1\nname alice\npublic !!!\nsecret !!!\n",
		NULL,
	};
	char *d = tmpdir(), path[600], text[1024];
	gs_key k, l;
	gs_err e;

	snprintf(path, sizeof path, "%s/x.key", d);
	for (int i = 0; garbage[i]; i++) {
		write_file(path, garbage[i], 0600);
		ck_assert_msg(gs_key_load(path, &l, &e) == GS_EINPUT, "accepted '%s'", garbage[i]);
		ck_assert_ptr_nonnull(strstr(e.msg, "not a gridset key file"));
	}
	/* an invalid account name in the file */
	th_key("alice", &k);
	key_text(text, sizeof text, "Alice", k.pk, k.sk);
	write_file(path, text, 0600);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_EINPUT);
	/* a public key of the wrong length */
	key_text(text, sizeof text, "alice", k.pk, k.sk);
	{
		char *pub = strstr(text, "public ") + 7;
		memmove(pub, pub + 4, strlen(pub + 4) + 1);	/* drop 4 chars */
	}
	write_file(path, text, 0600);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_EINPUT);
	/* the right text is accepted (the test itself is sound) */
	key_text(text, sizeof text, "alice", k.pk, k.sk);
	write_file(path, text, 0600);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_OK);
	ck_assert_int_eq(memcmp(l.pk, k.pk, GS_PK_BYTES), 0);
	rmrf(d);
	free(d);
}
END_TEST

/* The public key of one key with the secret key of another -> GS_EINPUT. */
START_TEST(key_load_mismatch)
{
	char *d = tmpdir(), path[600], text[1024];
	gs_key a, b, l;
	gs_err e;

	th_key("alice", &a);
	th_key("bob", &b);
	snprintf(path, sizeof path, "%s/alice.key", d);
	key_text(text, sizeof text, "alice", a.pk, b.sk);
	write_file(path, text, 0600);
	ck_assert_int_eq(gs_key_load(path, &l, &e), GS_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "do not match"));
	ck_assert(sodium_is_zero(l.sk, GS_SK_BYTES));
	rmrf(d);
	free(d);
}
END_TEST

/* A secret key whose seed half does not derive the public key (e.g. one
 * flipped bit in the seed) is a mismatch too: such a key would load but
 * every signature it makes would fail to verify. */
START_TEST(key_load_corrupt_seed)
{
	char *d = tmpdir(), path[600], text[1024];
	unsigned char sk[GS_SK_BYTES], sig[GS_SIG_BYTES];
	gs_key a, l;
	gs_err e;
	int rc;

	th_key("alice", &a);
	memcpy(sk, a.sk, sizeof sk);
	sk[0] ^= 1;		/* seed corrupted; embedded public half intact */
	snprintf(path, sizeof path, "%s/alice.key", d);
	key_text(text, sizeof text, "alice", a.pk, sk);
	write_file(path, text, 0600);
	rc = gs_key_load(path, &l, &e);
	rmrf(d);
	free(d);
	if (rc == GS_OK) {
		crypto_sign_detached(sig, NULL, (const unsigned char *)"m", 1, l.sk);
		ck_abort_msg("corrupt secret key accepted (its signature %s)",
			     crypto_sign_verify_detached(sig, (const unsigned char *)"m", 1,
							 l.pk) ? "does not verify" : "verifies");
	}
	ck_assert_int_eq(rc, GS_EINPUT);
}
END_TEST

START_TEST(key_wipe)
{
	gs_key k, copy;

	th_key("alice", &k);
	memcpy(&copy, &k, sizeof k);
	ck_assert(!sodium_is_zero(k.sk, GS_SK_BYTES));
	gs_key_wipe(&k);
	ck_assert(sodium_is_zero(k.sk, GS_SK_BYTES));
	ck_assert_int_eq(memcmp(k.pk, copy.pk, GS_PK_BYTES), 0);
	ck_assert_str_eq(k.name, "alice");
}
END_TEST

START_TEST(b64_hex)
{
	static const unsigned char bin[3] = { 0x00, 0x01, 0xfe };
	unsigned char out[32], r[32], back[3];
	char buf[128], hex[65];

	ck_assert_str_eq(gs_b64(bin, 3, buf, sizeof buf), "AAH+");
	ck_assert_str_eq(gs_b64((const unsigned char *)"ab", 2, buf, sizeof buf), "YWI=");
	ck_assert_int_eq(gs_unb64("AAH+", back, 3), 0);
	ck_assert_int_eq(memcmp(back, bin, 3), 0);
	/* URL-safe alphabet is not accepted; wrong length refused */
	ck_assert_int_eq(gs_unb64("AAH-", back, 3), -1);
	ck_assert_int_eq(gs_unb64("AAH+AAH+", back, 3), -1);
	ck_assert_int_eq(gs_unb64("YWI=", back, 3), -1);
	ck_assert_int_eq(gs_unb64("YWI", back, 2), -1);	/* padding required */
	ck_assert_int_eq(gs_unb64("not base64!", back, 3), -1);

	randombytes_buf(r, sizeof r);
	gs_b64(r, 32, buf, sizeof buf);
	ck_assert_uint_eq(strlen(buf), 44);
	ck_assert_int_eq(gs_unb64(buf, out, 32), 0);
	ck_assert_int_eq(memcmp(out, r, 32), 0);

	ck_assert_str_eq(gs_hex(bin, 3, hex), "0001fe");
	ck_assert_str_eq(gs_hex((const unsigned char *)"\xAB\xCD", 2, hex), "abcd");
	gs_hex(r, 32, hex);
	ck_assert_uint_eq(strlen(hex), 64);
	ck_assert_int_eq(sodium_hex2bin(out, 32, hex, 64, NULL, NULL, NULL), 0);
	ck_assert_int_eq(memcmp(out, r, 32), 0);
}
END_TEST

/* $GS_KEYDIR, else $XDG_CONFIG_HOME/gridset/keys, else
 * $HOME/.config/gridset/keys; empty variables count as unset. */
START_TEST(keydir_precedence)
{
	char buf[256], tiny[8];

	setenv("GS_KEYDIR", "/k/dir", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	ck_assert_str_eq(gs_keydir(buf, sizeof buf), "/k/dir");
	setenv("GS_KEYDIR", "", 1);
	ck_assert_str_eq(gs_keydir(buf, sizeof buf), "/xdg/gridset/keys");
	unsetenv("GS_KEYDIR");
	ck_assert_str_eq(gs_keydir(buf, sizeof buf), "/xdg/gridset/keys");
	setenv("XDG_CONFIG_HOME", "", 1);
	ck_assert_str_eq(gs_keydir(buf, sizeof buf), "/home/u/.config/gridset/keys");
	unsetenv("XDG_CONFIG_HOME");
	ck_assert_str_eq(gs_keydir(buf, sizeof buf), "/home/u/.config/gridset/keys");
	ck_assert_ptr_null(gs_keydir(tiny, sizeof tiny));	/* does not fit */
	unsetenv("HOME");
	ck_assert_ptr_null(gs_keydir(buf, sizeof buf));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, name_valid);
	tcase_add_test(tc, key_new_file);
	tcase_add_test(tc, key_load_round_trip);
	tcase_add_test(tc, key_load_perm_and_missing);
	tcase_add_test(tc, key_load_garbage);
	tcase_add_test(tc, key_load_mismatch);
	tcase_add_test(tc, key_load_corrupt_seed);
	tcase_add_test(tc, key_wipe);
	tcase_add_test(tc, b64_hex);
	tcase_add_test(tc, keydir_precedence);
	suite_add_tcase(s, tc);
	return th_run(s);
}

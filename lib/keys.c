/* keys.c - Ed25519 account keys and their key files (libsodium). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "gridset.h"

#define KEY_MAGIC "gridset-key-v1"

int gs_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			 (i > 0 && (c == '.' || c == '_' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

const char *gs_keydir(char *buf, size_t n)
{
	const char *v;
	int r;

	if ((v = getenv("GS_KEYDIR")) && *v)
		r = snprintf(buf, n, "%s", v);
	else if ((v = getenv("XDG_CONFIG_HOME")) && *v)
		r = snprintf(buf, n, "%s/gridset/keys", v);
	else if ((v = getenv("HOME")) && *v)
		r = snprintf(buf, n, "%s/.config/gridset/keys", v);
	else
		return NULL;
	return (r < 0 || (size_t)r >= n) ? NULL : buf;
}

/* mkdir -p path with mode 0700 for the directories it creates. */
static int mkdirs(const char *path, gs_err *e)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n >= sizeof tmp)
		return gs_fail(e, GS_EUSAGE, "key directory path too long");
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return gs_fail(e, GS_ENOFILE, "cannot create '%s': %s",
				       tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return gs_fail(e, GS_ENOFILE, "cannot create '%s': %s", tmp,
			       strerror(errno));
	return GS_OK;
}

char *gs_b64(const unsigned char *bin, size_t n, char *buf, size_t bufn)
{
	return sodium_bin2base64(buf, bufn, bin, n,
				 sodium_base64_VARIANT_ORIGINAL);
}

int gs_unb64(const char *s, unsigned char *bin, size_t n)
{
	size_t got = 0;

	if (sodium_base642bin(bin, n, s, strlen(s), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return got == n ? 0 : -1;
}

char *gs_hex(const unsigned char *bin, size_t n, char *buf)
{
	return sodium_bin2hex(buf, 2 * n + 1, bin, n);
}

int gs_key_new(const char *dir, const char *name, gs_key *out, gs_err *e)
{
	char path[4096], pk64[64], sk64[128], text[512];
	int fd, len, rc = GS_OK;

	if (!gs_name_valid(name))
		return gs_fail(e, GS_EUSAGE, "invalid account name '%s'", name);
	if (mkdirs(dir, e))
		return e->code;
	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	crypto_sign_keypair(out->pk, out->sk);
	gs_b64(out->pk, GS_PK_BYTES, pk64, sizeof pk64);
	gs_b64(out->sk, GS_SK_BYTES, sk64, sizeof sk64);
	len = snprintf(text, sizeof text, "%s\nname %s\npublic %s\nsecret %s\n",
		       KEY_MAGIC, name, pk64, sk64);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST
			? gs_fail(e, GS_EREFUSED, "key '%s' already exists in '%s'",
				  name, dir)
			: gs_fail(e, GS_ENOFILE, "cannot create '%s': %s", path,
				  strerror(errno));
	} else {
		if (fchmod(fd, 0600) != 0 || write(fd, text, (size_t)len) != len ||
		    fsync(fd) != 0)
			rc = gs_fail(e, GS_EINTERNAL, "cannot write '%s': %s",
				     path, strerror(errno));
		close(fd);
		if (rc)
			unlink(path);
	}
	sodium_memzero(sk64, sizeof sk64);
	sodium_memzero(text, sizeof text);
	if (rc)
		gs_key_wipe(out);
	return rc;
}

/* Value of the line "label VALUE" in text, copied to buf; -1 if absent. */
static int key_field(const char *text, const char *label, char *buf,
		     size_t n)
{
	size_t ll = strlen(label);

	for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, label, ll) == 0 && p[ll] == ' ') {
			const char *v = p + ll + 1;
			size_t vl = strcspn(v, "\n");
			if (vl >= n)
				return -1;
			memcpy(buf, v, vl);
			buf[vl] = '\0';
			return 0;
		}
	}
	return -1;
}

/* Parse key file text into out; GS_EINPUT when malformed. */
static int key_parse(const char *path, const char *text, gs_key *out,
		     gs_err *e)
{
	char name[33], pk64[64], sk64[128];
	unsigned char check[GS_PK_BYTES], seed[crypto_sign_SEEDBYTES];
	unsigned char sk[GS_SK_BYTES];
	int rc = GS_OK;

	if (strncmp(text, KEY_MAGIC "\n", sizeof KEY_MAGIC) != 0 ||
	    key_field(text, "name", name, sizeof name) ||
	    key_field(text, "public", pk64, sizeof pk64) ||
	    key_field(text, "secret", sk64, sizeof sk64) ||
	    !gs_name_valid(name) || gs_unb64(pk64, out->pk, GS_PK_BYTES) ||
	    gs_unb64(sk64, out->sk, GS_SK_BYTES))
		rc = gs_fail(e, GS_EINPUT, "'%s' is not a gridset key file", path);
	else if (crypto_sign_ed25519_sk_to_seed(seed, out->sk) != 0 ||
		 crypto_sign_seed_keypair(check, sk, seed) != 0 ||
		 memcmp(check, out->pk, GS_PK_BYTES) != 0 ||
		 sodium_memcmp(sk, out->sk, GS_SK_BYTES) != 0)
		rc = gs_fail(e, GS_EINPUT, "key file '%s': public and secret key do not match",
			     path);
	else
		snprintf(out->name, sizeof out->name, "%s", name);
	sodium_memzero(sk64, sizeof sk64);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sk, sizeof sk);
	return rc;
}

int gs_key_load(const char *path, gs_key *out, gs_err *e)
{
	char text[1024];
	struct stat st;
	ssize_t n;
	int fd, rc;

	memset(out, 0, sizeof *out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gs_fail(e, errno == ENOENT ? GS_ENOFILE : GS_EPERM,
			       "cannot open key '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return gs_fail(e, GS_EINPUT, "key '%s' is not a regular file", path);
	}
	if (st.st_mode & 077) {
		close(fd);
		return gs_fail(e, GS_EPERM,
			       "key '%s' is readable by group or others (chmod 600 it)",
			       path);
	}
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < 0)
		return gs_fail(e, GS_ENOFILE, "cannot read key '%s': %s", path,
			       strerror(errno));
	text[n] = '\0';
	rc = key_parse(path, text, out, e);
	sodium_memzero(text, sizeof text);
	if (rc)
		gs_key_wipe(out);
	return rc;
}

void gs_key_wipe(gs_key *k)
{
	sodium_memzero(k->sk, sizeof k->sk);
}

/* pfkey_probe: does this kernel speak PF_KEY v2?  Opens a PF_KEY socket,
 * sends SADB_REGISTER for a SA type (esp or ah) and prints the algorithms
 * the kernel announces.  Exit 0 when the reply is well formed and names at
 * least one algorithm; 1 otherwise (EAFNOSUPPORT on kernels without af_key).
 *
 *   pfkey_probe [esp|ah] */
#include "config.h"

#include <errno.h>
#include <linux/pfkeyv2.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pfkey_msg.h" /* libracoon's PF_KEY codec */

enum { REPLY_WAIT_MS = 3000 };

struct alg_name {
	uint8_t id;
	const char *name;
};

static const struct alg_name auth_names[] = {
	{SADB_AALG_MD5HMAC, "hmac-md5"},
	{SADB_AALG_SHA1HMAC, "hmac-sha1"},
	{SADB_X_AALG_SHA2_256HMAC, "hmac-sha2-256"},
	{SADB_X_AALG_SHA2_384HMAC, "hmac-sha2-384"},
	{SADB_X_AALG_SHA2_512HMAC, "hmac-sha2-512"},
	{SADB_X_AALG_RIPEMD160HMAC, "hmac-ripemd160"},
	{SADB_X_AALG_AES_XCBC_MAC, "aes-xcbc-mac"},
	{SADB_X_AALG_NULL, "null"},
};

static const struct alg_name enc_names[] = {
	{SADB_EALG_DESCBC, "des-cbc"},
	{SADB_EALG_3DESCBC, "3des-cbc"},
	{SADB_X_EALG_CASTCBC, "cast-cbc"},
	{SADB_X_EALG_BLOWFISHCBC, "blowfish-cbc"},
	{SADB_EALG_NULL, "null"},
	{SADB_X_EALG_AESCBC, "aes-cbc"},
	{SADB_X_EALG_AESCTR, "aes-ctr"},
	{SADB_X_EALG_AES_CCM_ICV8, "aes-ccm-8"},
	{SADB_X_EALG_AES_CCM_ICV12, "aes-ccm-12"},
	{SADB_X_EALG_AES_CCM_ICV16, "aes-ccm-16"},
	{SADB_X_EALG_AES_GCM_ICV8, "aes-gcm-8"},
	{SADB_X_EALG_AES_GCM_ICV12, "aes-gcm-12"},
	{SADB_X_EALG_AES_GCM_ICV16, "aes-gcm-16"},
	{SADB_X_EALG_CAMELLIACBC, "camellia-cbc"},
	{SADB_X_EALG_NULL_AES_GMAC, "null-aes-gmac"},
	{SADB_X_EALG_SERPENTCBC, "serpent-cbc"},
	{SADB_X_EALG_TWOFISHCBC, "twofish-cbc"},
};

static const char *lookup(const struct alg_name *t, size_t n, uint8_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	return NULL;
}

static const char *pfkey_auth_name(uint8_t id)
{
	return lookup(auth_names, sizeof(auth_names) / sizeof(auth_names[0]), id);
}

static const char *pfkey_enc_name(uint8_t id)
{
	return lookup(enc_names, sizeof(enc_names) / sizeof(enc_names[0]), id);
}

static int send_register(int fd, uint8_t satype, uint32_t seq)
{
	struct sadb_msg m = {
		.sadb_msg_version = PF_KEY_V2,
		.sadb_msg_type = SADB_REGISTER,
		.sadb_msg_satype = satype,
		.sadb_msg_len = sizeof(m) / 8,
		.sadb_msg_seq = seq,
		.sadb_msg_pid = (uint32_t)getpid(),
	};
	return send(fd, &m, sizeof(m), 0) == (ssize_t)sizeof(m) ? 0 : -1;
}

static void print_algs(const char *what, const struct pfk_alg *a, size_t n,
		       const char *(*name)(uint8_t))
{
	printf("%s algorithms: %zu\n", what, n);
	for (size_t i = 0; i < n; i++) {
		const char *nm = name(a[i].id);
		printf("  %-14s id %3u  key bits %u-%u\n", nm ? nm : "?", a[i].id, a[i].minbits,
		       a[i].maxbits);
	}
}

/* Wait for our own REGISTER reply; other sockets' traffic is skipped. */
static int read_reply(int fd, struct pfk_msg *r)
{
	static uint8_t buf[65536];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (poll(&p, 1, REPLY_WAIT_MS) > 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const char *err = NULL;
		if (n < 0) {
			fprintf(stderr, "pfkey_probe: recv: %s\n", strerror(errno));
			return -1;
		}
		struct sadb_msg hdr;
		if (n < (ssize_t)sizeof(hdr))
			continue;
		memcpy(&hdr, buf, sizeof(hdr));
		if (hdr.sadb_msg_type == SADB_REGISTER && hdr.sadb_msg_pid == (uint32_t)getpid()) {
			if (pfk_decode(buf, (size_t)n, r, &err) == 0)
				return 0;
			fprintf(stderr, "pfkey_probe: bad SADB_REGISTER reply: %s\n", err);
			return -1;
		}
	}
	fprintf(stderr, "pfkey_probe: no SADB_REGISTER reply within %d ms\n", REPLY_WAIT_MS);
	return -1;
}

int main(int argc, char **argv)
{
	uint8_t satype = SADB_SATYPE_ESP;
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "esp") && strcmp(argv[1], "ah"))) {
		fprintf(stderr, "usage: pfkey_probe [esp|ah]\n");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "ah") == 0)
		satype = SADB_SATYPE_AH;
	int fd = socket(PF_KEY, SOCK_RAW, PF_KEY_V2);
	if (fd < 0) {
		printf("pfkey_probe: socket(PF_KEY): %s\n", strerror(errno));
		return 1;
	}
	struct pfk_msg r;
	if (send_register(fd, satype, 1) < 0) {
		printf("pfkey_probe: send SADB_REGISTER: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	int rc = read_reply(fd, &r);
	close(fd);
	if (rc < 0)
		return 1;
	printf("SADB_REGISTER %s: reply for satype %u\n", satype == SADB_SATYPE_ESP ? "esp" : "ah",
	       r.satype);
	print_algs("authentication", r.auth, r.nauth, pfkey_auth_name);
	print_algs("encryption", r.enc, r.nenc, pfkey_enc_name);
	return r.nauth + r.nenc > 0 ? 0 : 1;
}

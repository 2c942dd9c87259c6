/* PF_KEY v2 SADB_REGISTER reply parsing (see pfkey_msg.h). */
#include "pfkey_msg.h"

#include <linux/pfkeyv2.h>
#include <string.h>

/* PF_KEY lengths count 64-bit words (RFC 2367 2.3). */
enum { PFKEY_UNIT = 8 };

static int parse_supported(const uint8_t *ext, size_t len, struct pfkey_alg_info *algs,
			   size_t *nalgs, const char **err)
{
	size_t off = sizeof(struct sadb_supported);
	if (len < off) {
		*err = "supported extension shorter than its header";
		return -1;
	}
	for (; off + sizeof(struct sadb_alg) <= len; off += sizeof(struct sadb_alg)) {
		struct sadb_alg alg;
		memcpy(&alg, ext + off, sizeof(alg));
		if (*nalgs == PFKEY_MAX_ALGS) {
			*err = "too many algorithms";
			return -1;
		}
		algs[*nalgs].id = alg.sadb_alg_id;
		algs[*nalgs].minbits = alg.sadb_alg_minbits;
		algs[*nalgs].maxbits = alg.sadb_alg_maxbits;
		(*nalgs)++;
	}
	if (off != len) {
		*err = "supported extension has a partial algorithm entry";
		return -1;
	}
	return 0;
}

static int parse_ext(const uint8_t *ext, size_t len, uint16_t type,
		     struct pfkey_register_reply *out, const char **err)
{
	switch (type) {
	case SADB_EXT_SUPPORTED_AUTH:
		return parse_supported(ext, len, out->auth, &out->nauth, err);
	case SADB_EXT_SUPPORTED_ENCRYPT:
		return parse_supported(ext, len, out->enc, &out->nenc, err);
	default:
		return 0; /* other extensions are not what the probe reports */
	}
}

int pfkey_parse_register(const uint8_t *msg, size_t len, struct pfkey_register_reply *out,
			 const char **err)
{
	struct sadb_msg hdr;
	memset(out, 0, sizeof(*out));
	if (len < sizeof(hdr)) {
		*err = "message shorter than the PF_KEY header";
		return -1;
	}
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.sadb_msg_version != PF_KEY_V2) {
		*err = "not a PF_KEY v2 message";
		return -1;
	}
	if (hdr.sadb_msg_type != SADB_REGISTER) {
		*err = "not an SADB_REGISTER message";
		return -1;
	}
	if (hdr.sadb_msg_errno != 0) {
		*err = "the kernel answered with an error";
		return -1;
	}
	if ((size_t)hdr.sadb_msg_len * PFKEY_UNIT != len) {
		*err = "message length field does not match the bytes received";
		return -1;
	}
	out->satype = hdr.sadb_msg_satype;
	out->pid = hdr.sadb_msg_pid;
	for (size_t off = sizeof(hdr); off < len;) {
		struct sadb_ext ext;
		if (len - off < sizeof(ext)) {
			*err = "truncated extension header";
			return -1;
		}
		memcpy(&ext, msg + off, sizeof(ext));
		size_t elen = (size_t)ext.sadb_ext_len * PFKEY_UNIT;
		if (elen < sizeof(ext) || elen > len - off) {
			*err = "extension length out of bounds";
			return -1;
		}
		if (parse_ext(msg + off, elen, ext.sadb_ext_type, out, err) < 0)
			return -1;
		off += elen;
	}
	return 0;
}

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

const char *pfkey_auth_name(uint8_t id)
{
	return lookup(auth_names, sizeof(auth_names) / sizeof(auth_names[0]), id);
}

const char *pfkey_enc_name(uint8_t id)
{
	return lookup(enc_names, sizeof(enc_names) / sizeof(enc_names[0]), id);
}

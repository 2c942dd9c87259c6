/* libFuzzer target: the DNS message codec of spmd's proxy (spmd/dns_msg.c)
 * on arbitrary datagrams, as the proxy sees them from applications and
 * from name servers: parse, follow the answer's CNAMEs for each question,
 * and rebuild a query from a parsed name.  The codec lives in spmd/, not
 * in libracoon, so its source is compiled into the target here. */
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../../spmd/dns_msg.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_msg m;
	struct rc_addr addrs[8];
	uint32_t ttl;

	if (dns_parse(data, size, &m) != DNS_OK)
		return 0;
	for (size_t i = 0; i < m.nq; i++) {
		struct rc_writer w;
		(void)dns_answer_addrs(&m, m.q[i].name, AF_INET, addrs, 8, &ttl);
		(void)dns_answer_addrs(&m, m.q[i].name, AF_INET6, addrs, 8, &ttl);
		rc_writer_init(&w, 0);
		(void)dns_build_query(&w, m.id, m.q[i].name, m.q[i].qtype);
		rc_writer_free(&w);
	}
	return 0;
}

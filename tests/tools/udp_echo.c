/* udp_echo: UDP test traffic for the integration and kernel layers.
 *
 *   udp_echo server ADDR PORT [SECONDS]
 *	echo every datagram back to its sender; stop on "quit" or after
 *	SECONDS (default 30) without traffic.
 *   udp_echo client [-b SRCADDR] ADDR PORT COUNT
 *	send COUNT datagrams of ~1000 bytes, each retried a few times, and
 *	exit 0 only if every one came back unchanged.
 *   udp_echo send ADDR PORT
 *	send one datagram and wait for nothing (e.g. to hit an IPsec policy);
 *	exit 0 when the kernel took it, 1 with the error otherwise.
 *
 * Retries cover the first packets lost while neighbour discovery settles and
 * a server that is not bound yet, so scripts need no sleeps. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { PAYLOAD_LEN = 1000, RETRIES = 5, WAIT_MS = 1000 };

static int parse_addr(const char *host, const char *port, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				 .ai_socktype = SOCK_DGRAM};
	struct addrinfo *res;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "udp_echo: bad address '%s' port '%s': %s\n", host, port,
			gai_strerror(rc));
		return -1;
	}
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms);
}

static int run_server(const char *host, const char *port, int idle_s)
{
	struct sockaddr_storage local, peer;
	socklen_t len, plen;
	char buf[65536];
	if (parse_addr(host, port, &local, &len) < 0)
		return 2;
	int fd = socket(local.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, len) < 0) {
		fprintf(stderr, "udp_echo: bind %s port %s: %s\n", host, port, strerror(errno));
		return 2;
	}
	unsigned long echoed = 0;
	while (wait_readable(fd, idle_s * 1000) > 0) {
		plen = sizeof(peer);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
		if (n < 0)
			continue;
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen) == n)
			echoed++;
		if (n == 4 && memcmp(buf, "quit", 4) == 0)
			break;
	}
	printf("udp_echo: server echoed %lu datagrams\n", echoed);
	close(fd);
	return 0;
}

/* One datagram out, the same bytes back, with retries. */
static int exchange(int fd, const struct sockaddr_storage *dst, socklen_t dlen, const char *msg,
		    size_t mlen)
{
	char buf[65536];
	for (int attempt = 0; attempt < RETRIES; attempt++) {
		if (sendto(fd, msg, mlen, 0, (const struct sockaddr *)dst, dlen) < 0) {
			/* e.g. EAGAIN while an IPsec SA is being acquired */
			usleep(WAIT_MS * 1000);
			continue;
		}
		while (wait_readable(fd, WAIT_MS) > 0) {
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			if (n == (ssize_t)mlen && memcmp(buf, msg, mlen) == 0)
				return 1;
		}
	}
	return 0;
}

static int run_client(const char *src, const char *host, const char *port, long count)
{
	struct sockaddr_storage dst, local;
	socklen_t dlen, llen;
	char msg[PAYLOAD_LEN];
	if (parse_addr(host, port, &dst, &dlen) < 0)
		return 2;
	int fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp_echo: socket");
		return 2;
	}
	if (src && (parse_addr(src, "0", &local, &llen) < 0 ||
		    bind(fd, (struct sockaddr *)&local, llen) < 0)) {
		fprintf(stderr, "udp_echo: bind source %s: %s\n", src, strerror(errno));
		return 2;
	}
	long ok = 0;
	for (long i = 0; i < count; i++) {
		memset(msg, 'x', sizeof(msg));
		int hdr = snprintf(msg, sizeof(msg), "udp_echo-%ld-", i);
		if (hdr > 0 && (size_t)hdr < sizeof(msg))
			msg[hdr] = 'x'; /* snprintf's terminator */
		ok += exchange(fd, &dst, dlen, msg, sizeof(msg));
	}
	/* best effort: let the server stop before its idle timeout */
	(void)sendto(fd, "quit", 4, 0, (struct sockaddr *)&dst, dlen);
	printf("udp_echo: %ld/%ld echoed from %s port %s\n", ok, count, host, port);
	close(fd);
	return ok == count ? 0 : 1;
}

static int run_send(const char *host, const char *port)
{
	struct sockaddr_storage dst;
	socklen_t dlen;
	if (parse_addr(host, port, &dst, &dlen) < 0)
		return 2;
	int fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp_echo: socket");
		return 2;
	}
	int rc = 0;
	if (sendto(fd, "udp_echo", 8, 0, (struct sockaddr *)&dst, dlen) < 0) {
		printf("udp_echo: send to %s port %s: %s\n", host, port, strerror(errno));
		rc = 1;
	}
	close(fd);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: udp_echo server ADDR PORT [SECONDS]\n"
			"       udp_echo client [-b SRCADDR] ADDR PORT COUNT\n"
			"       udp_echo send ADDR PORT\n");
	return 2;
}

static long parse_count(const char *s, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > max)
		return -1;
	return v;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "server") == 0 && argc <= 5) {
		long idle = argc == 5 ? parse_count(argv[4], 3600) : 30;
		return idle < 0 ? usage() : run_server(argv[2], argv[3], (int)idle);
	}
	if (argc == 4 && strcmp(argv[1], "send") == 0)
		return run_send(argv[2], argv[3]);
	if (argc >= 5 && strcmp(argv[1], "client") == 0) {
		const char *src = NULL;
		int i = 2;
		if (strcmp(argv[i], "-b") == 0) {
			src = argv[i + 1];
			i += 2;
		}
		if (argc - i != 3)
			return usage();
		long count = parse_count(argv[i + 2], 1000000);
		return count < 0 ? usage() : run_client(src, argv[i], argv[i + 1], count);
	}
	return usage();
}

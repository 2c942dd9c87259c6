/* pskgen: make pre-shared keys and the spmd password file (compat §7.2).
 *
 *   pskgen -r [-s length] [-o file] [-d] [-f]   random bytes from the OS CSPRNG
 *   pskgen -i file [-h] [-o file] [-d] [-f]     first line, or hex text with -h
 *   pskgen -e file [-o file] [-d] [-f]          export as hex text
 *
 * Extensions over the original: an existing output file is never replaced
 * unless -f is given (then atomically, through a new 0600 file); -d is a dry
 * run that reports what would be written and writes nothing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytebuf.h"
#include "util.h"

#define DEFAULT_RANDOM_LEN 16
#define MAX_RANDOM_LEN (1024 * 1024)
#define MAX_INPUT_LEN (1024 * 1024)

static const char usage_text[] = "Usage: pskgen -r [-s length] [-o file] [-d]\n"
				 "       pskgen -i file [-h] [-o file] [-d]\n"
				 "       pskgen -e file [-o file] [-d]\n";

struct options {
	char mode;	    /* 'r', 'i' or 'e' */
	const char *input;  /* -i / -e */
	const char *output; /* -o, "-" = stdout */
	size_t random_len;
	bool hex;
	bool dry_run;
	bool force;
};

static void usage(FILE *out)
{
	fputs(usage_text, out);
	fputs("  -r         random key from the OS generator (default 16 bytes, raw)\n"
	      "  -s length  number of random bytes\n"
	      "  -i file    key from the first line of file (- = stdin)\n"
	      "  -h         with -i: the file holds hex pairs such as 0x72 0x61\n"
	      "  -e file    export file as hex text (readable with -i -h)\n"
	      "  -o file    output file (default - = stdout); created mode 0600\n"
	      "  -f         replace the output file if it exists\n"
	      "  -d         dry run: report what would be written, write nothing\n",
	      out);
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	fputs("pskgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int parse_length(const char *arg, size_t *len)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || arg[0] == '-' || n == 0 || n > MAX_RANDOM_LEN)
		return fail("invalid length '%s': expected 1 to %d bytes", arg, MAX_RANDOM_LEN);
	*len = n;
	return 0;
}

static int set_mode(struct options *o, char mode, const char *input)
{
	if (o->mode && o->mode != mode)
		return fail("-%c and -%c cannot be used together", o->mode, mode);
	o->mode = mode;
	o->input = input;
	return 0;
}

/* 0: run; 1: exit 0 (usage shown); -1: exit 1. */
static int parse_args(int argc, char **argv, struct options *o)
{
	int c;
	bool s_given = false;

	memset(o, 0, sizeof(*o));
	o->output = "-";
	o->random_len = DEFAULT_RANDOM_LEN;
	opterr = 0;
	while ((c = getopt(argc, argv, "rs:o:di:he:f")) != -1) {
		switch (c) {
		case 'r':
		case 'i':
		case 'e':
			if (set_mode(o, (char)c, c == 'r' ? NULL : optarg) != 0)
				return -1;
			break;
		case 's':
			if (parse_length(optarg, &o->random_len) != 0)
				return -1;
			s_given = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			o->hex = true;
			break;
		case 'd':
			o->dry_run = true;
			break;
		case 'f':
			o->force = true;
			break;
		default:
			if (strchr("soie", optopt))
				fail("option -%c needs an argument", optopt);
			else
				fail("unknown option -%c", optopt);
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fail("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!o->mode) {
		usage(stdout);
		return 1;
	}
	if (s_given && o->mode != 'r')
		return fail("-s only applies to -r");
	if (o->hex && o->mode != 'i')
		return fail("-h only applies to -i");
	if (!*o->output)
		return fail("empty output file name");
	return 0;
}

static int random_bytes(struct rc_writer *out, size_t n)
{
	uint8_t *p;

	if (!rc_put_space(out, n, &p))
		return fail("out of memory");
	/* getentropy() hands out at most 256 bytes per call */
	for (size_t done = 0; done < n;) {
		size_t chunk = n - done > 256 ? 256 : n - done;
		if (getentropy(p + done, chunk) != 0)
			return fail("cannot get random bytes: %s", strerror(errno));
		done += chunk;
	}
	return 0;
}

static int read_input(const char *path, struct rc_writer *in)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	uint8_t buf[4096];

	if (fd < 0)
		return fail("%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail("%s: %s", path, strerror(errno));
			break;
		}
		if (n == 0) {
			if (fd != STDIN_FILENO)
				close(fd);
			rc_memzero(buf, sizeof(buf));
			return 0;
		}
		if (rc_writer_len(in) + (size_t)n > MAX_INPUT_LEN) {
			fail("%s: larger than %d bytes", path, MAX_INPUT_LEN);
			break;
		}
		if (!rc_put_bytes(in, buf, (size_t)n)) {
			fail("out of memory");
			break;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	rc_memzero(buf, sizeof(buf));
	return -1;
}

static int first_line(const char *name, const uint8_t *data, size_t len, struct rc_writer *out)
{
	const uint8_t *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;

	if (n == 0)
		return fail("%s: the first line is empty", name);
	if (!rc_put_bytes(out, data, n))
		return fail("out of memory");
	return 0;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One line of -i -h input: every "0x" removed, blanks ignored, the hex
 * digits that remain taken in pairs. */
static int hex_line(const char *name, unsigned lineno, const uint8_t *s, size_t len,
		    struct rc_writer *out)
{
	int high = -1;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '0' && i + 1 < len && s[i + 1] == 'x') {
			i++;
			continue;
		}
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
			continue;
		int v = hex_value(s[i]);
		if (v < 0)
			return fail("%s:%u: '%c' is not a hex digit", name, lineno,
				    s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
		if (high < 0) {
			high = v;
			continue;
		}
		if (!rc_put_u8(out, (uint8_t)(high << 4 | v)))
			return fail("out of memory");
		high = -1;
	}
	if (high >= 0)
		return fail("%s:%u: odd number of hex digits (each byte needs two)", name, lineno);
	return 0;
}

static int from_hex(const char *name, const uint8_t *data, size_t len, struct rc_writer *out)
{
	unsigned lineno = 1;

	while (len > 0) {
		const uint8_t *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (hex_line(name, lineno, data, n, out) != 0)
			return -1;
		if (!nl)
			break;
		data += n + 1;
		len -= n + 1;
		lineno++;
	}
	if (rc_writer_len(out) == 0)
		return fail("%s: no hex digits found", name);
	return 0;
}

/* The original layout: "0x%02x" per byte, then a newline after every 16th
 * byte, a double space after every 8th, a single space otherwise; the
 * separator follows the last byte too. */
static int to_hex(const uint8_t *data, size_t len, struct rc_writer *out)
{
	char item[8];

	for (size_t i = 1; i <= len; i++) {
		const char *sep = i % 16 == 0 ? "\n" : i % 8 == 0 ? "  " : " ";
		int n = snprintf(item, sizeof(item), "0x%02x%s", data[i - 1], sep);
		if (!rc_put_bytes(out, item, (size_t)n))
			return fail("out of memory");
	}
	rc_memzero(item, sizeof(item));
	return 0;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* -f: write a new 0600 file next to the old one and rename it over, so the
 * old file's mode and owner do not carry over and a crash leaves one of the
 * two whole. */
static int replace_file(const char *path, const uint8_t *data, size_t len)
{
	char *tmp = rc_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);

	if (fd < 0) {
		fail("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		fail("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		fail("%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int create_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return fail("%s exists; not overwritten (use -f to replace it)", path);
		return fail("%s: %s", path, strerror(errno));
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		fail("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) != 0)
		return fail("%s: %s", path, strerror(errno));
	return 0;
}

static int output(const struct options *o, const uint8_t *data, size_t len)
{
	bool to_stdout = strcmp(o->output, "-") == 0;
	struct stat st;

	if (o->dry_run) {
		if (!to_stdout && !o->force && lstat(o->output, &st) == 0)
			return fail("%s exists; not overwritten (use -f to replace it)", o->output);
		fprintf(stderr, "pskgen: dry run: would write %zu bytes to %s\n", len,
			to_stdout ? "standard output" : o->output);
		return 0;
	}
	if (to_stdout) {
		if (write_all(STDOUT_FILENO, data, len) != 0)
			return fail("standard output: %s", strerror(errno));
		return 0;
	}
	if (o->force && lstat(o->output, &st) == 0)
		return replace_file(o->output, data, len);
	return create_file(o->output, data, len);
}

static int run(const struct options *o)
{
	struct rc_writer in, out;
	int rc = -1;

	rc_writer_init(&in, 0);
	rc_writer_init(&out, 0);
	rc_writer_set_secret(&in);
	rc_writer_set_secret(&out);
	const char *name = o->input && strcmp(o->input, "-") == 0 ? "(stdin)" : o->input;
	if (o->mode == 'r') {
		rc = random_bytes(&out, o->random_len);
	} else if (read_input(o->input, &in) == 0) {
		const uint8_t *data = rc_writer_data(&in);
		size_t len = rc_writer_len(&in);
		if (o->mode == 'e')
			rc = to_hex(data, len, &out);
		else if (o->hex)
			rc = from_hex(name, data, len, &out);
		else
			rc = first_line(name, data, len, &out);
	}
	if (rc == 0)
		rc = output(o, rc_writer_data(&out), rc_writer_len(&out));
	rc_writer_free(&in);
	rc_writer_free(&out);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;

	umask(077);
	int parsed = parse_args(argc, argv, &o);
	if (parsed != 0)
		return parsed > 0 ? 0 : 1;
	return run(&o) == 0 ? 0 : 1;
}

# spmd's resolver, DNS proxy and the NS/FQDN/STAT spmif commands.
# spmd.mk adds SPMD_EXTRA_SOURCES to spmd's sources.
SPMD_EXTRA_SOURCES = spmd/resolver.c spmd/resolver.h spmd/dns_msg.c spmd/dns_msg.h \
	spmd/dnsproxy.c spmd/dnsproxy.h spmd/cmd_dns.c spmd/cmd_dns.h
# spmd.mk does not add them yet; this line goes when it does.
spmd_spmd_SOURCES += $(SPMD_EXTRA_SOURCES)

# resolver-drive: the resolver on its own for the host integration test
# (tests/integration/tests/spmd-fqdn) until spmd itself runs it.
noinst_PROGRAMS += spmd/resolver-drive
spmd_resolver_drive_SOURCES = spmd/resolver_drive.c $(SPMD_EXTRA_SOURCES)
spmd_resolver_drive_LDADD = $(RC_LIBS)

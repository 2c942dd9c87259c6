# spmd's resolver, DNS proxy and the NS/FQDN/STAT spmif commands.
# spmd.mk adds SPMD_EXTRA_SOURCES to spmd's sources.
SPMD_EXTRA_SOURCES = spmd/resolver.c spmd/resolver.h spmd/dns_msg.c spmd/dns_msg.h \
	spmd/dnsproxy.c spmd/dnsproxy.h spmd/cmd_dns.c spmd/cmd_dns.h
# spmd.mk does not add them yet; this line goes when it does.
spmd_spmd_SOURCES += $(SPMD_EXTRA_SOURCES)

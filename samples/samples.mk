# samples/samples.mk -- sample configuration (owner: samples)
#
# The samples are templates: @sysconfdir@ and @runstatedir@ are replaced
# at build time, giving samples/NAME.conf.sample.  `make install` puts them
# in $(sysconfdir) with mode 0600 (the daemons refuse configuration files
# that others may write, and the samples name key files) and creates the
# psk/ and cert/ directories with mode 0700, and the hook scripts under
# hook/.  The example PSK files are
# documentation only and are not installed.

SAMPLE_CONF_NAMES = racoon2 vals default \
	transport_ike tunnel_ike tunnel_ike_natt \
	transport_kink tunnel_kink \
	roadwarrior_gw roadwarrior_client
SAMPLE_CONF_FILES = \
	samples/racoon2.conf.sample samples/vals.conf.sample \
	samples/default.conf.sample samples/transport_ike.conf.sample \
	samples/tunnel_ike.conf.sample samples/tunnel_ike_natt.conf.sample \
	samples/transport_kink.conf.sample samples/tunnel_kink.conf.sample \
	samples/roadwarrior_gw.conf.sample samples/roadwarrior_client.conf.sample

# Hook scripts: one wrapper per event, installed under the event's name,
# runs the files of EVENT.d (see samples/hook/functions).
SAMPLE_HOOK_EVENTS = ikesa-up ikesa-down ikesa-rekey child-up child-down \
	child-rekey migration ph1-up ph1-down
SAMPLE_HOOK_FILES = samples/hook/ikesa-up.d/00log \
	samples/hook/child-up.d/00log samples/hook/child-down.d/00log \
	samples/hook/child-up.d/50rw-client-address.sample \
	samples/hook/child-down.d/50rw-client-address.sample

EXTRA_DIST += $(SAMPLE_CONF_FILES:.sample=.in) \
	samples/hook/functions samples/hook/wrapper $(SAMPLE_HOOK_FILES) \
	tests/samples/check-hooks.sh \
	samples/README samples/test.psk.example samples/wildcard.psk.example \
	tests/samples/check-samples.sh tests/samples/check-manpages.sh
CLEANFILES += $(SAMPLE_CONF_FILES)
BUILT_SOURCES += $(SAMPLE_CONF_FILES)

samples_subst = sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@runstatedir[@]|$(runstatedir)|g'

samples/racoon2.conf.sample: $(srcdir)/samples/racoon2.conf.in
samples/vals.conf.sample: $(srcdir)/samples/vals.conf.in
samples/default.conf.sample: $(srcdir)/samples/default.conf.in
samples/transport_ike.conf.sample: $(srcdir)/samples/transport_ike.conf.in
samples/tunnel_ike.conf.sample: $(srcdir)/samples/tunnel_ike.conf.in
samples/tunnel_ike_natt.conf.sample: $(srcdir)/samples/tunnel_ike_natt.conf.in
samples/transport_kink.conf.sample: $(srcdir)/samples/transport_kink.conf.in
samples/tunnel_kink.conf.sample: $(srcdir)/samples/tunnel_kink.conf.in
samples/roadwarrior_gw.conf.sample: $(srcdir)/samples/roadwarrior_gw.conf.in
samples/roadwarrior_client.conf.sample: $(srcdir)/samples/roadwarrior_client.conf.in

$(SAMPLE_CONF_FILES): Makefile
	$(AM_V_GEN)$(MKDIR_P) samples && \
	$(samples_subst) $(srcdir)/$(@:.sample=.in) > $@.tmp && mv $@.tmp $@

# Dependency-only lines, so other fragments can hang their own install
# steps on the same -local targets.
install-data-local: install-samples
uninstall-local: uninstall-samples

install-samples: $(SAMPLE_CONF_FILES)
	$(MKDIR_P) '$(DESTDIR)$(sysconfdir)'
	$(INSTALL) -d -m 700 '$(DESTDIR)$(sysconfdir)/psk' '$(DESTDIR)$(sysconfdir)/cert'
	for f in $(SAMPLE_CONF_FILES); do \
		$(INSTALL) -m 600 "$$f" "$(DESTDIR)$(sysconfdir)/$${f#samples/}" || exit 1; \
	done
	$(INSTALL) -d -m 755 '$(DESTDIR)$(sysconfdir)/hook'
	$(INSTALL) -m 644 $(srcdir)/samples/hook/functions '$(DESTDIR)$(sysconfdir)/hook/functions'
	for e in $(SAMPLE_HOOK_EVENTS); do \
		$(INSTALL) -m 755 $(srcdir)/samples/hook/wrapper "$(DESTDIR)$(sysconfdir)/hook/$$e" && \
		$(INSTALL) -d -m 755 "$(DESTDIR)$(sysconfdir)/hook/$$e.d" || exit 1; \
	done
	for f in $(SAMPLE_HOOK_FILES); do \
		$(INSTALL) -m 644 "$(srcdir)/$$f" "$(DESTDIR)$(sysconfdir)/$${f#samples/}" || exit 1; \
	done

# Directories (psk/, cert/, the hook directories) are left in place when
# they hold the user's files.
uninstall-samples:
	for n in $(SAMPLE_CONF_NAMES); do \
		rm -f "$(DESTDIR)$(sysconfdir)/$$n.conf.sample"; \
	done
	for f in $(SAMPLE_HOOK_FILES); do \
		rm -f "$(DESTDIR)$(sysconfdir)/$${f#samples/}"; \
	done
	for e in $(SAMPLE_HOOK_EVENTS); do \
		rm -f "$(DESTDIR)$(sysconfdir)/hook/$$e"; \
		rmdir "$(DESTDIR)$(sysconfdir)/hook/$$e.d" 2> /dev/null || :; \
	done
	rm -f '$(DESTDIR)$(sysconfdir)/hook/functions'
	for d in hook psk cert; do \
		rmdir "$(DESTDIR)$(sysconfdir)/$$d" 2> /dev/null || :; \
	done

.PHONY: install-samples uninstall-samples

# check-samples.sh loads every scenario with `iked -t`, `spmd -t` and
# `kinkd -t` from this build directory; check-manpages.sh checks the
# manual pages of doc/doc.mk; check-hooks.sh runs the hook wrapper.
TESTS += tests/samples/check-samples.sh tests/samples/check-manpages.sh \
	tests/samples/check-hooks.sh

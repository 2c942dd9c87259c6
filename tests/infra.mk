# tests/infra.mk: test helpers the integration and kernel layers run (built
# with the project so scenarios find them in the build dir under
# tests/tools/), and their unit tests.  The runners live in tests/run-all,
# tests/integration/, tests/kernel/ and tests/fuzz/.
noinst_PROGRAMS += tests/tools/udp_echo
tests_tools_udp_echo_SOURCES = tests/tools/udp_echo.c
if HAVE_PFKEY
noinst_PROGRAMS += tests/tools/pfkey_probe
tests_tools_pfkey_probe_SOURCES = tests/tools/pfkey_probe.c
tests_tools_pfkey_probe_LDADD = $(RC_LIBS)
endif

EXTRA_DIST += tools/install-deps tools/build tools/demo .ci/run tests/run-all \
	tests/kernel tests/integration tests/fuzz

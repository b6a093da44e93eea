# multipass-java: build and test with GNU make and a plain JDK (see SPEC.md section 12).
#
#   make              build build/multipass.jar (same as ./build.sh)
#   make check        the fast tier: the unit tests only (no daemon, no keytool, no JVM started,
#                     no OS user), 1-2 minutes at most; the last line printed is "N passed, N failed"
#   make test         build, compile test/ and run all of it (unit, integration, interop and system
#                     tests) with the JUnit console launcher; the last line printed is "N passed, N failed"
#   make interop      the interop tier only (test/multipass/interop): our jar against grpcio stand-ins
#                     for Canonical's client and daemon (needs python3-grpcio python3-protobuf protobuf-compiler)
#
# Test tiers, by class name (docs/testing.md): *IntegrationTest starts a daemon (in the test
# JVM or as a process), spawns a JVM or runs keytool; *SystemTest (test/multipass/system) runs
# the real jar as root with throw-away OS users, or the packaging; any other *Test is a unit test.
#   make run          start the daemon in the foreground with its non-root defaults
#   make fuzz         the long protocol fuzzing run: FUZZ_INPUTS inputs (default 10 million) through
#                     each decoder, or FUZZ_SECONDS per decoder if that comes first, from FUZZ_SEED
#                     (default: the time); prints the seed and the counts
#   make crash        the long crash-consistency run: CRASH_KILLS (default 60) kill -9s of a real
#                     daemon under load, kill moments from CRASH_SEED; prints the counts
#   make bench        build, compile bench/ and run the benchmark (a few minutes); prints the
#                     table and writes it to build/bench/results.txt (docs/performance.md)
#   make clean        remove build/
#   make install      install launchers, jar, manual pages, bash completion and systemd unit
#                     under $(DESTDIR)$(PREFIX) (README, "Installing"); make uninstall undoes it
#   make deb          build/multipass-java_<version>_all.deb, with plain dpkg-deb
#   make rpm          build/multipass-java-<version>-1.noarch.rpm, with rpmbuild (Debian's rpm package)
#   make docs         the generated manual pages (build/man) and bash completion (build/completion)
#
# Variables:
#   JAVA_HOME=/path/to/jdk   use that JDK's java, javac and jar (default: the ones on PATH)
#   TEST_ARGS='...'          extra JUnit launcher arguments, e.g. TEST_ARGS='--select-class multipass.FooTest'
#                            (a --select-* option replaces the default scan of build/test-classes)
#   JUNIT_JAR=/path/to.jar   the JUnit console launcher to use (see .ci/junit.sh)
#   PREFIX=/usr/local        install prefix; DESTDIR=/staging puts the tree under a staging dir
#   SYSTEMDUNITDIR=...       where the systemd unit goes (default $(PREFIX)/lib/systemd/system)
#   NO_CDS=1                 make install skips the class-data-sharing archive (always skipped
#                            with DESTDIR: the archive records the jar's final path)
#   TEST_JVM_ARGS='...'      extra options for the test JVM, e.g. TEST_JVM_ARGS='-Dmultipass.crash.kills=20'
#   BENCH_ARGS='...'         extra bench options, e.g. BENCH_ARGS=--quick or --jvm-variants
#                            (see bench/multipass/bench/Options.java)

ifneq ($(strip $(JAVA_HOME)),)
JAVA  := $(JAVA_HOME)/bin/java
JAVAC := $(JAVA_HOME)/bin/javac
JAR   := $(JAVA_HOME)/bin/jar
else
JAVA  := java
JAVAC := javac
JAR   := jar
endif

# -encoding: JDK 17 takes the platform encoding (ASCII under LANG=C) for sources by default.
# Note: -Xlint:all means the lint set of the javac in use; a newer javac (e.g. JDK 25) checks
# more (this-escape, dangling-doc-comments, ...) than javac 17 does, and javac 17 rejects
# those names, so the flags are the same on every JDK and the code must be clean on both.
# -XDstringConcat=inline: string concatenation compiled to StringBuilder calls, as before JDK 9,
# instead of invokedynamic sites that each bootstrap at first use: 30-40 ms less CPU at every
# CLI start here (docs/performance.md, the warm client).
JAVAC_FLAGS := --release 17 -encoding UTF-8 -Xlint:all -Werror -XDstringConcat=inline

BUILD       := build
CLASSES     := $(BUILD)/classes
TEST_CLASSES := $(BUILD)/test-classes
REPORTS     := $(BUILD)/test-reports
BENCH_CLASSES := $(BUILD)/bench/classes
JARFILE     := $(BUILD)/multipass.jar

# The time every artefact is stamped with: SOURCE_DATE_EPOCH if set, else the last commit's
# time, else the date kept in packaging/build/source-date-epoch (a tree without git). Exported
# so that the packaging scripts, dpkg-deb and rpmbuild see the same value.
SOURCE_DATE_EPOCH ?= $(shell sh packaging/build/source-date-epoch.sh)
export SOURCE_DATE_EPOCH

SOURCES        := $(shell find src -type f -name '*.java' 2>/dev/null | LC_ALL=C sort)
RESOURCES      := $(shell find src -type f ! -name '*.java' 2>/dev/null | LC_ALL=C sort)
TEST_SOURCES   := $(shell find test -type f -name '*.java' 2>/dev/null | LC_ALL=C sort)
TEST_RESOURCES := $(shell find test -type f ! -name '*.java' 2>/dev/null | LC_ALL=C sort)
BENCH_SOURCES  := $(shell find bench -type f -name '*.java' 2>/dev/null | LC_ALL=C sort)

.PHONY: all check test interop fuzz crash bench run clean install uninstall deb rpm docs FORCE
.DELETE_ON_ERROR:

all: $(JARFILE)

# The file lists are rewritten only when they change, so that adding or deleting a file
# triggers a rebuild even when no remaining file is newer than the last build.
$(BUILD)/sources.list: FORCE
	@mkdir -p $(BUILD)
	@$(if $(SOURCES),printf '%s\n' $(SOURCES),:) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/test-sources.list: FORCE
	@mkdir -p $(BUILD)
	@$(if $(TEST_SOURCES),printf '%s\n' $(TEST_SOURCES),:) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/bench-sources.list: FORCE
	@mkdir -p $(BUILD)
	@$(if $(BENCH_SOURCES),printf '%s\n' $(BENCH_SOURCES),:) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

# Compile everything at once into a fresh directory (no stale classes from deleted sources),
# then copy the non-Java files under src/ beside the classes.
$(BUILD)/classes.stamp: $(BUILD)/sources.list $(SOURCES) $(RESOURCES)
	@test -s $(BUILD)/sources.list || { echo "no Java sources under src/" >&2; exit 1; }
	rm -rf $(CLASSES) $@
	mkdir -p $(CLASSES)
	$(JAVAC) $(JAVAC_FLAGS) -d $(CLASSES) @$(BUILD)/sources.list
	@sh .ci/copy-resources.sh src $(CLASSES)
	@touch $@

# Reproducible: fixed entry times (SOURCE_DATE_EPOCH), order and manifest (packaging/build/ReproducibleJar.java).
$(JARFILE): $(BUILD)/classes.stamp packaging/build/ReproducibleJar.java
	$(JAVA) packaging/build/ReproducibleJar.java $@ $(CLASSES) multipass.Main $(SOURCE_DATE_EPOCH)

$(BUILD)/test-classes.stamp: $(BUILD)/classes.stamp $(BUILD)/test-sources.list $(TEST_SOURCES) $(TEST_RESOURCES)
	rm -rf $(TEST_CLASSES) $@
	mkdir -p $(TEST_CLASSES)
	@junit=$$(sh .ci/junit.sh) || exit 1; \
	if [ -s $(BUILD)/test-sources.list ]; then \
	  echo "$(JAVAC) $(JAVAC_FLAGS) -cp $(CLASSES):$$junit -d $(TEST_CLASSES) @$(BUILD)/test-sources.list"; \
	  $(JAVAC) $(JAVAC_FLAGS) -cp "$(CLASSES):$$junit" -d $(TEST_CLASSES) @$(BUILD)/test-sources.list || exit 1; \
	fi
	@sh .ci/copy-resources.sh test $(TEST_CLASSES)
	@touch $@

# The launcher's console output (tree of tests, failures with stack traces) is shown as is;
# the counts come from its XML reports (.ci/junit-summary.sh), which print the last line.
test: $(JARFILE) $(BUILD)/test-classes.stamp
	@junit=$$(sh .ci/junit.sh) || exit 1; \
	rm -rf $(REPORTS); \
	if "$(JAVA)" -jar "$$junit" --help 2>&1 | grep -q '^ *execute '; then cmd=execute; else cmd=; fi; \
	if [ -t 1 ]; then colors=; else colors=--disable-ansi-colors; fi; \
	case " $(TEST_ARGS) " in \
	  *" --select"*|*" -c "*|*" -m "*|*" -p "*) select= ;; \
	  *) select="--scan-class-path $(TEST_CLASSES)" ;; \
	esac; \
	echo "$(JAVA) $(TEST_JVM_ARGS) -jar $$junit $$cmd --disable-banner $$colors --details=tree --class-path $(CLASSES):$(TEST_CLASSES) --reports-dir $(REPORTS) $$select $(TEST_ARGS)"; \
	"$(JAVA)" $(TEST_JVM_ARGS) -Dmultipass.jar="$(CURDIR)/$(JARFILE)" -jar "$$junit" $$cmd --disable-banner $$colors --details=tree \
	  --class-path "$(CLASSES):$(TEST_CLASSES)" --reports-dir $(REPORTS) \
	  $$select $(TEST_ARGS); \
	status=$$?; \
	sh .ci/junit-summary.sh $(REPORTS) $$status

# The fast tier reuses the test rule with the unit tests' class-name filter (see the tiers above).
CHECK_FILTER := --exclude-classname='.*(IntegrationTest|InteropTest|SystemTest)'

check:
	@$(MAKE) --no-print-directory test TEST_ARGS="$(CHECK_FILTER) $(TEST_ARGS)"

# The interop tier: the jar against a real gRPC implementation (docs/testing.md).
interop:
	@$(MAKE) --no-print-directory test TEST_ARGS="--select-package=multipass.interop $(TEST_ARGS)"

# The long runs reuse the test rule with a larger budget; the tests' own timeouts are off for fuzz.
FUZZ_INPUTS ?= 10000000
CRASH_KILLS ?= 60

fuzz:
	@seed=$${FUZZ_SEED:-$$(date +%s)}; \
	$(MAKE) --no-print-directory test \
	  TEST_JVM_ARGS="-Dmultipass.fuzz.seed=$$seed -Dmultipass.fuzz.inputs=$(FUZZ_INPUTS) $(if $(FUZZ_SECONDS),-Dmultipass.fuzz.seconds=$(FUZZ_SECONDS))" \
	  TEST_ARGS="--config=junit.jupiter.execution.timeout.mode=disabled \
	    --select-method=multipass.proto.ProtoFuzzTest#everyMutatedMessageDecodesOrIsAProtoException \
	    --select-method=multipass.hpack.HpackFuzzTest#everyMutatedBlockDecodesOrIsAnHpackError \
	    --select-method=multipass.grpc.GrpcMessageFuzzTest#everyMutatedChunkSequenceYieldsMessagesOrADocumentedStatus \
	    --select-method=multipass.http2.Http2FrameFuzzTest#everyMutatedFrameSequenceReadsAsFramesOrALayoutError \
	    --select-method=multipass.http2.Http2FrameFuzzTest#everyMutatedClientSequenceEndsCleanlyOrInADocumentedConnectionError"

crash:
	@$(MAKE) --no-print-directory test \
	  TEST_JVM_ARGS="-Dmultipass.crash.kills=$(CRASH_KILLS) $(if $(CRASH_SEED),-Dmultipass.crash.seed=$(CRASH_SEED))" \
	  TEST_ARGS="--select-class=multipass.system.CrashConsistencySystemTest"

# Generated from the command definitions behind --help (multipass.docgen.ManPages, BashCompletion).
COMPLETION := $(BUILD)/completion/multipass

docs: $(BUILD)/man.stamp $(COMPLETION)

$(BUILD)/man.stamp: $(BUILD)/classes.stamp
	$(JAVA) -cp $(CLASSES) multipass.docgen.ManPages $(BUILD)/man
	@touch $@

$(COMPLETION): $(BUILD)/classes.stamp
	$(JAVA) -cp $(CLASSES) multipass.docgen.BashCompletion $@

# Installation. The launchers find the jar relative to themselves (PREFIX/share/multipass),
# so only PREFIX and DESTDIR move the tree; the unit's ExecStart names PREFIX/sbin/multipassd.
PREFIX         ?= /usr/local
DESTDIR        ?=
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
# The group whose members may connect before anyone is trusted (the socket unit's SocketGroup=,
# the service's --admin-group): sudo on Debian and Ubuntu, wheel in the Fedora family.
ADMIN_GROUP    ?= sudo
INSTALL        ?= install
VERSION        := $(shell sed -n 's/.*String VERSION = "\(.*\)";.*/\1/p' src/multipass/api/BuildInfo.java)
DEBFILE        := $(BUILD)/multipass-java_$(VERSION)_all.deb
RPMFILE        := $(BUILD)/multipass-java-$(VERSION)-1.noarch.rpm
STAGE          := $(DESTDIR)$(PREFIX)

install: $(JARFILE) $(BUILD)/man.stamp $(COMPLETION)
	$(INSTALL) -d -m 0755 $(STAGE)/bin $(STAGE)/sbin $(STAGE)/share/multipass $(STAGE)/lib/multipass \
	  $(STAGE)/share/man/man1 $(STAGE)/share/man/man8 $(STAGE)/share/bash-completion/completions \
	  $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	$(INSTALL) -m 0644 $(JARFILE) $(STAGE)/share/multipass/multipass.jar
	sed 's/@ROLE@/client/' packaging/launcher.sh > $(BUILD)/multipass.launcher
	sed 's/@ROLE@/daemon/' packaging/launcher.sh > $(BUILD)/multipassd.launcher
	$(INSTALL) -m 0755 $(BUILD)/multipass.launcher $(STAGE)/bin/multipass
	$(INSTALL) -m 0755 $(BUILD)/multipassd.launcher $(STAGE)/sbin/multipassd
	$(INSTALL) -m 0755 packaging/make-cds-archive.sh $(STAGE)/lib/multipass/make-cds-archive
	$(INSTALL) -m 0644 $(BUILD)/man/multipass.1 $(STAGE)/share/man/man1/multipass.1
	$(INSTALL) -m 0644 $(BUILD)/man/multipassd.8 $(STAGE)/share/man/man8/multipassd.8
	$(INSTALL) -m 0644 $(COMPLETION) $(STAGE)/share/bash-completion/completions/multipass
	for unit in service socket; do \
	  sed -e 's|@SBINDIR@|$(PREFIX)/sbin|' -e 's|@ADMINGROUP@|$(ADMIN_GROUP)|' packaging/multipassd.$$unit.in > $(BUILD)/multipassd.$$unit && \
	  $(INSTALL) -m 0644 $(BUILD)/multipassd.$$unit $(DESTDIR)$(SYSTEMDUNITDIR)/multipassd.$$unit || exit 1; \
	done
	$(INSTALL) -m 0644 packaging/sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/multipassd.conf
	@if [ -z "$(DESTDIR)" ] && [ -z "$(NO_CDS)" ]; then \
	  echo "$(PREFIX)/lib/multipass/make-cds-archive"; \
	  $(PREFIX)/lib/multipass/make-cds-archive || echo "no class-data-sharing archive made; multipass starts a little slower"; \
	fi

# Removes what install installed (and the archive it made), never the daemon's data
# (/var/lib/multipassd) nor users' identities.
uninstall:
	rm -f $(STAGE)/bin/multipass $(STAGE)/sbin/multipassd $(STAGE)/share/multipass/multipass.jar \
	  $(STAGE)/lib/multipass/make-cds-archive $(STAGE)/lib/multipass/client.jsa $(STAGE)/lib/multipass/client.jsa.new \
	  $(STAGE)/share/man/man1/multipass.1 $(STAGE)/share/man/man8/multipassd.8 \
	  $(STAGE)/share/bash-completion/completions/multipass $(DESTDIR)$(SYSTEMDUNITDIR)/multipassd.service \
	  $(DESTDIR)$(SYSTEMDUNITDIR)/multipassd.socket $(DESTDIR)$(SYSUSERSDIR)/multipassd.conf
	rmdir $(STAGE)/share/multipass $(STAGE)/lib/multipass 2>/dev/null || true

deb: $(DEBFILE)

$(DEBFILE): $(JARFILE) $(BUILD)/man.stamp $(COMPLETION) packaging/launcher.sh packaging/make-cds-archive.sh \
            packaging/multipassd.service.in packaging/multipassd.socket.in packaging/sysusers.conf \
            packaging/build-deb.sh $(wildcard packaging/debian/*) README.md
	rm -rf $(BUILD)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(BUILD)/deb PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system ADMIN_GROUP=sudo NO_CDS=1
	sh packaging/build-deb.sh $(VERSION) $(BUILD)/deb $@

rpm: $(RPMFILE)

# The Fedora family's paths and admin group (wheel); the rest is the .deb's tree.
$(RPMFILE): $(JARFILE) $(BUILD)/man.stamp $(COMPLETION) packaging/launcher.sh packaging/make-cds-archive.sh \
            packaging/multipassd.service.in packaging/multipassd.socket.in packaging/sysusers.conf \
            packaging/build-rpm.sh packaging/rpm/multipass-java.spec.in README.md LICENSE
	rm -rf $(BUILD)/rpm
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(BUILD)/rpm/stage PREFIX=/usr SYSTEMDUNITDIR=/usr/lib/systemd/system \
	  ADMIN_GROUP=wheel NO_CDS=1
	sh packaging/build-rpm.sh $(VERSION) $(BUILD)/rpm $@

# The bench is compiled against build/classes (it reuses the product's TLS and protocol
# classes for its load client) and runs the daemon and the CLI from the jar. It asserts
# nothing: benchmarks are not tests.
$(BUILD)/bench-classes.stamp: $(BUILD)/classes.stamp $(BUILD)/bench-sources.list $(BENCH_SOURCES)
	rm -rf $(BENCH_CLASSES) $@
	mkdir -p $(BENCH_CLASSES)
	$(JAVAC) $(JAVAC_FLAGS) -cp $(CLASSES) -d $(BENCH_CLASSES) @$(BUILD)/bench-sources.list
	@touch $@

# The client launcher as users get it, installed under build/bench/prefix with the AppCDS
# archive that make install makes (the archive records the jar's final path, so it cannot be
# staged with DESTDIR). Best effort: without it the bench reports the launcher as n/a.
BENCH_PREFIX := $(BUILD)/bench/prefix

$(BUILD)/bench/prefix.stamp: $(JARFILE) packaging/launcher.sh packaging/make-cds-archive.sh
	rm -rf $(BENCH_PREFIX) $@
	$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BENCH_PREFIX) \
	  || echo "bench: could not install the launcher under $(BENCH_PREFIX); it will be reported as n/a"
	@touch $@

bench: $(JARFILE) $(BUILD)/bench-classes.stamp $(BUILD)/bench/prefix.stamp
	$(JAVA) -cp "$(CLASSES):$(BENCH_CLASSES)" multipass.bench.Bench --jar $(JARFILE) --classes $(BENCH_CLASSES) \
	  --out $(BUILD)/bench/results.txt $(BENCH_ARGS)

run: $(JARFILE)
	$(JAVA) -jar $(JARFILE) daemon

clean:
	rm -rf $(BUILD)

FORCE:

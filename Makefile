# multipass-java: build and test with GNU make and a plain JDK (see SPEC.md section 12).
#
#   make              build build/multipass.jar (same as ./build.sh)
#   make test         build, compile test/ and run it with the JUnit console launcher;
#                     the last line printed is "N passed, N failed"
#   make run          start the daemon in the foreground with its non-root defaults
#   make clean        remove build/
#
# Variables:
#   JAVA_HOME=/path/to/jdk   use that JDK's java, javac and jar (default: the ones on PATH)
#   TEST_ARGS='...'          extra JUnit launcher arguments, e.g. TEST_ARGS='--select-class multipass.FooTest'
#                            (a --select-* option replaces the default scan of build/test-classes)
#   JUNIT_JAR=/path/to.jar   the JUnit console launcher to use (see .ci/junit.sh)

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
JAVAC_FLAGS := --release 17 -encoding UTF-8 -Xlint:all -Werror

BUILD       := build
CLASSES     := $(BUILD)/classes
TEST_CLASSES := $(BUILD)/test-classes
REPORTS     := $(BUILD)/test-reports
JARFILE     := $(BUILD)/multipass.jar

SOURCES        := $(shell find src -type f -name '*.java' 2>/dev/null | LC_ALL=C sort)
RESOURCES      := $(shell find src -type f ! -name '*.java' 2>/dev/null | LC_ALL=C sort)
TEST_SOURCES   := $(shell find test -type f -name '*.java' 2>/dev/null | LC_ALL=C sort)
TEST_RESOURCES := $(shell find test -type f ! -name '*.java' 2>/dev/null | LC_ALL=C sort)

.PHONY: all test run clean FORCE
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

# Compile everything at once into a fresh directory (no stale classes from deleted sources),
# then copy the non-Java files under src/ beside the classes.
$(BUILD)/classes.stamp: $(BUILD)/sources.list $(SOURCES) $(RESOURCES)
	@test -s $(BUILD)/sources.list || { echo "no Java sources under src/" >&2; exit 1; }
	rm -rf $(CLASSES) $@
	mkdir -p $(CLASSES)
	$(JAVAC) $(JAVAC_FLAGS) -d $(CLASSES) @$(BUILD)/sources.list
	@sh .ci/copy-resources.sh src $(CLASSES)
	@touch $@

$(JARFILE): $(BUILD)/classes.stamp
	rm -f $@
	$(JAR) --create --file $@ --main-class multipass.Main -C $(CLASSES) .

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
	echo "$(JAVA) -jar $$junit $$cmd --disable-banner $$colors --details=tree --class-path $(CLASSES):$(TEST_CLASSES) --reports-dir $(REPORTS) $$select $(TEST_ARGS)"; \
	"$(JAVA)" -Dmultipass.jar="$(CURDIR)/$(JARFILE)" -jar "$$junit" $$cmd --disable-banner $$colors --details=tree \
	  --class-path "$(CLASSES):$(TEST_CLASSES)" --reports-dir $(REPORTS) \
	  $$select $(TEST_ARGS); \
	status=$$?; \
	sh .ci/junit-summary.sh $(REPORTS) $$status

run: $(JARFILE)
	$(JAVA) -jar $(JARFILE) daemon

clean:
	rm -rf $(BUILD)

FORCE:

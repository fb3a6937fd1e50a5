# Lendable's front door. `make demo` and `make test` are all a new machine needs.
# Everything real lives in CMake; this file only strings the steps together.

BUILD      ?= build
PRESET     ?= default
CTEST_ARGS ?=
# Labels run by `make test`: everything but the long benchmarks-as-tests (none today).
LABELS     ?= unit|integration|gui|vm|e2e|doc
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60

CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifeq ($(CI),true)
CMAKE_FLAGS += -DLENDABLE_WERROR=ON
endif

.PHONY: all deps configure build test test-unit test-vm demo fuzz package screenshots protocol-doc clean help

all: build

help:
	@echo "make deps      install every Debian package Lendable needs (root)"
	@echo "make build     configure and build into $(BUILD)/"
	@echo "make test      deps + build + the test suite (ctest, labels: $(LABELS))"
	@echo "make demo      deps + build + suite, then open the three apps on one machine"
	@echo "make fuzz      build the libFuzzer target with ASan/UBSan and run it $(FUZZ_SECONDS)s"
	@echo "make package   build the Debian packages with CPack"

deps:
	@bash scripts/deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	@$(MAKE) --no-print-directory build
	bash scripts/test-env.sh ctest --test-dir $(BUILD) -L '$(LABELS)' --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-unit: build
	ctest --test-dir $(BUILD) -L unit --output-on-failure -j $(JOBS)

demo: deps
	@$(MAKE) --no-print-directory test
	bash scripts/demo.sh $(if $(HEADLESS),--headless,)

fuzz: deps
	cmake --preset fuzz
	cmake --build build-fuzz --target fuzz_frame -j $(JOBS)
	bash scripts/run-fuzz.sh build-fuzz $(FUZZ_SECONDS)

package: build
	cd $(BUILD) && cpack -G DEB

protocol-doc: build
	cmake --build $(BUILD) --target protocol-doc

# Re-read the sources into translations/*.ts (then translate what lupdate marked unfinished).
.PHONY: translations
translations: configure
	cmake --build $(BUILD) --target update-translations

clean:
	rm -rf $(BUILD) build-fuzz

# The two commands of the README, and the builds behind them. CMake does the
# building; this file only names the variants and the order.
#   make demo   install what is missing, build, diagnose the bundled incident
#   make test   install what is missing, build, run the whole suite:
#               fuzzers (clang, short runs), the threaded paths under TSan,
#               the dev build, then everything again under ASan+UBSan
#               (ctest's summary comes last)
#   make check  the quick tier while working (about a minute)
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20
CMAKE_BUILD = cmake --build $(1) -j $(JOBS)

.PHONY: all demo test check build release deps deps-test deps-bench test-dev test-asan test-fuzz test-tsan \
        update-golden bench clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

deps-bench:
	@scripts/deps.sh bench

# The dev build (with its tests, hence deps-test) is optimised (-O2) so that warnings only the optimiser sees
# (maybe-uninitialized, ...) are errors in CI too; the demo build is the one
# a newcomer compiles with whatever gcc they have, so warnings stay warnings.
build: deps-test
	cmake -S . -B build/dev -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(call CMAKE_BUILD,build/dev)

release: deps
	@cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DGMX_TESTS=OFF -DGMX_WERROR=OFF >/dev/null
	@$(call CMAKE_BUILD,build/release) >/dev/null

demo: release
	@scripts/demo.sh build/release/gomemdx

test: deps-test
	$(MAKE) --no-print-directory test-fuzz test-tsan test-dev test-asan

# The quick tier while working: the dev build's unit, end-to-end and
# fuzz-corpus tests, without the slow ones (live Go, parity over the whole
# lab, every lab folder in Chinese); about a minute. CI runs `make test`.
check: build
	cd build/dev && ctest --output-on-failure -j $(JOBS) -L 'unit|e2e|fuzz|arch' -LE 'slow|fuzz-run'

test-dev:
	cmake -S . -B build/dev -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(call CMAKE_BUILD,build/dev)
	cd build/dev && ctest --output-on-failure -j $(JOBS)

test-asan:
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DGMX_SANITIZE=ON
	$(call CMAKE_BUILD,build/asan)
	cd build/asan && ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer over the commands that run threads (profiles decoded in
# pairs, dumps parsed in parallel), on lab inputs.
test-tsan:
	cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGMX_TSAN=ON -DGMX_TESTS=OFF
	$(call CMAKE_BUILD,build/tsan)
	tests/tsan/run.sh build/tsan/gomemdx

test-fuzz:
	CC=clang-14 cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DGMX_FUZZ=ON \
	  -DGMX_FUZZ_SECONDS=$(FUZZ_SECONDS)
	$(call CMAKE_BUILD,build/fuzz)
	cd build/fuzz && ctest --output-on-failure -L fuzz-run -j $(JOBS)

# After an intended change of output: rewrite the end-to-end golden files.
update-golden: build
	cd build/dev && GMX_UPDATE_GOLDEN=1 ctest -L e2e

bench: deps-bench
	bench/run.sh

clean:
	rm -rf build

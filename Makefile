# Front door. `make run` and `make test` work on a fresh Debian 12 machine.
#   make deps    install missing Debian packages (idempotent)
#   make build   configure and build armsim, tests, tools and the AArch64 images
#   make run     build, then run the default scenario (SCENARIO=name picks another)
#   make test    build, then run every test through ctest
#   make bench   build, then run the benchmarks (not part of `make test`)
#   make asan    build and test with AddressSanitizer + UBSan (build-asan/)
#   make format  format the C++ sources with .clang-format (format-check only checks)

PRESET ?= release
BUILD_DIR := $(if $(filter asan,$(PRESET)),build-asan,build)
JOBS ?= $(shell nproc)
SCENARIO ?= dom0-domu
CTEST_ARGS ?=

.PHONY: all deps configure build run test bench asan format format-check clean

all: build

deps:
	@tools/deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/armsim --config scenarios/$(SCENARIO)/scenario.cfg

test: build
	@ctest --test-dir $(BUILD_DIR) -j $(JOBS) --output-on-failure --timeout 600 -LE bench $(CTEST_ARGS)

bench: build
	@ctest --test-dir $(BUILD_DIR) -L bench --output-on-failure -V

asan:
	@$(MAKE) --no-print-directory test PRESET=asan

format:
	@git ls-files '*.cpp' '*.h' '*.hpp' | xargs clang-format -i

format-check:
	@tools/check-format

clean:
	rm -rf build build-asan

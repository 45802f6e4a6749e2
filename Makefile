# Thin wrapper around CMake. `make` builds build/probity; `make test` and `make demo`
# install the Debian dependencies first.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build test demo install clean sanitize fuzz bench

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: deps build
	sh scripts/demo.sh $(BUILD)/probity

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# Every test under AddressSanitizer and UndefinedBehaviorSanitizer, in its own build tree.
sanitize: deps
	cmake -S . -B build-san -DPROBITY_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-san -j $(JOBS)
	cd build-san && ctest --output-on-failure -j $(JOBS)

# Build the libFuzzer targets with clang and run each briefly.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DPROBITY_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-fuzz -j $(JOBS)
	sh scripts/fuzz.sh build-fuzz

bench: build
	sh bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-san build-fuzz

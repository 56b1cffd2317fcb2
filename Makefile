# The two commands (README.md): `make demo` and `make test`. Everything else is for developers.
JOBS ?= $(shell nproc)
CMAKE ?= cmake

.PHONY: all build demo test asan tsan tsan-build clean

all: build

build/CMakeCache.txt:
	$(CMAKE) -S . -B build

build: build/CMakeCache.txt
	$(CMAKE) --build build -j $(JOBS)

demo: build
	./build/tools/dmabox/dmabox run

test: build
	cd build && ctest --output-on-failure -j $(JOBS)

build-asan/CMakeCache.txt:
	$(CMAKE) -S . -B build-asan -DDMABOX_SANITIZE=address -DCMAKE_BUILD_TYPE=Debug

# ASan+UBSan build of the whole suite.
asan: build-asan/CMakeCache.txt
	$(CMAKE) --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

build-tsan/CMakeCache.txt:
	$(CMAKE) -S . -B build-tsan -DDMABOX_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug

tsan-build: build-tsan/CMakeCache.txt
	$(CMAKE) --build build-tsan -j $(JOBS)

# TSan pass of the labels given in LABELS (a ctest -L regex), default every test.
LABELS ?= .
tsan: tsan-build
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS) -L '$(LABELS)'

clean:
	rm -rf build build-asan build-tsan

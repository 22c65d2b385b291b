# The front door. Everything real lives in meson.build and scripts/.
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all build run test test-unit test-asan bench install-deps clean

all: build

install-deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true

build: install-deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false

run: build
	@scripts/run

test: build $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	@scripts/run-tests $(BUILD) $(ASAN_BUILD)

test-unit: build
	@scripts/run-tests --suite unit $(BUILD)

bench: build
	@scripts/run-bench $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# Agora: `make test` runs every test; `make devnet` starts a local chain (see README.md).

# Builds are cached outside the checkout so fresh clones (and CI) reuse them.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/agora/target

CARGO ?= cargo

.PHONY: deps build test bench devnet fmt lint clean

deps:
	@bash scripts/install-deps.sh

# The same build `make test` and `make devnet` use (one feature resolution, one set of artifacts).
build: deps
	$(CARGO) test --locked --workspace --no-run

# Runs every test; benchmarks are compiled (so they cannot rot) but only `make bench` runs them.
# tests/cosmjs.rs drives a cosmjs client: its npm packages come from tests/cosmjs/package-lock.json.
test: deps
	npm ci --prefix tests/cosmjs --prefer-offline --no-audit --no-fund --loglevel=error
	$(CARGO) test --locked --workspace --benches --no-run
	$(CARGO) test --locked --workspace

bench: deps
	$(CARGO) bench --locked -p agora-app -p agora-store -p agora-pol -p agora-staking

devnet: deps
	@bash scripts/devnet.sh

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

clean:
	$(CARGO) clean

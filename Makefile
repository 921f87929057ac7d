# Krowoc: `make run` builds and serves the app; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
BIN       := bin/krowoc
HTTP      ?= 127.0.0.1:8090
DATA_DIR  ?= krowoc_data
WEB_DIST  := internal/webui/dist
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: run
run: build ## Build everything and serve the app at http://127.0.0.1:8090
	./$(BIN) serve --http $(HTTP) --dir $(DATA_DIR)

.PHONY: build
build: web ## Build the web app and the krowoc binary into bin/
	go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/krowoc

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

.PHONY: web-deps
web-deps: web/node_modules/.installed

.PHONY: web
web: web-deps ## Build the static export of the web app and stage it for embedding
	cd web && npm run build
	find $(WEB_DIST) -mindepth 1 ! -name .keep -delete
	cp -R web/out/. $(WEB_DIST)/

.PHONY: test
test: test-go test-web test-e2e ## Run every test (Go on SQLite, and Postgres when KROWOC_TEST_DATABASE_URL is set; Jest; Playwright)

.PHONY: test-go
test-go: ## Go tests: store suite, API scenarios, binary tests
	go test -count=1 ./...

.PHONY: test-web
test-web: web-deps ## Jest tests of the web app
	cd web && npm test -- --ci

.PHONY: test-e2e
test-e2e: build ## Playwright in Debian's Chromium against the built binary
	go build -o bin/llmsim ./cmd/llmsim
	scripts/ensure-chromium.sh
	cd web && npm run e2e

.PHONY: lint
lint: web-deps ## go vet, staticcheck, ESLint and tsc
	go vet ./...
	go run $(STATICCHECK) ./...
	test -z "$$(gofmt -l cmd internal)" || (gofmt -l cmd internal; exit 1)
	cd web && npm run lint && npm run typecheck

.PHONY: clean
clean: ## Remove build output (keeps your data folder)
	rm -rf bin web/out web/.next
	find $(WEB_DIST) -mindepth 1 ! -name .keep -delete

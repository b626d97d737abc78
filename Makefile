# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package
DESKTOP := packaging/lodestone.desktop
METAINFO := packaging/io.github.lodestone.Lodestone.metainfo.xml

.PHONY: run test fuzz bench lint clean package package-check icons screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lodestone --example

# Lint first, so a style or type error fails the run before the long tests.
test: $(STAMP) lint
	$(BIN)/python -m pytest -q -p no:cacheprovider tests --ignore=tests/benchmarks

# The importers' fuzzing test at length (`make test` runs it briefly).
fuzz: $(STAMP)
	LODESTONE_FUZZ_EXAMPLES=$${LODESTONE_FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest -q \
		-p no:cacheprovider tests/core/test_fuzz_files.py

bench: $(STAMP)
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/benchmarks -m bench

# Each check a command of its own; mypy's settings are in pyproject.toml, its cache in .mypy_cache.
lint: $(STAMP)
	$(BIN)/ruff check app tests packaging
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The one-folder desktop program: dist/lodestone/lodestone (install it with packaging/install.sh).
$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/lodestone.spec
	@echo "Built dist/lodestone ($$(du -sh dist/lodestone | cut -f1)); install with packaging/install.sh"

# Validates the desktop entry and AppStream metadata (where Debian's desktop-file-utils and
# appstream are installed), then runs the packaging tests (the bundle's when it is built).
package-check: $(STAMP)
	@if command -v desktop-file-validate >/dev/null; then desktop-file-validate $(DESKTOP) && echo "$(DESKTOP): valid"; \
	else echo "desktop-file-validate not found (apt-get install desktop-file-utils): skipped"; fi
	@if command -v appstreamcli >/dev/null; then appstreamcli validate --no-net $(METAINFO); \
	else echo "appstreamcli not found (apt-get install appstream): skipped"; fi
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/packaging

# The PNG sizes of the icon, redrawn from resources/icons/lodestone.svg.
icons: $(STAMP)
	$(BIN)/python packaging/make_icons.py

# The README's screenshots: each view of the example tracker, drawn by `lodestone render`
# (VIEW or VIEW/RECORD, the record shown in the view's form).
SCREENSHOTS := deals/deal:1 companies/company:1 events/event:4 sources timeline funding trash
screenshots: $(STAMP)
	mkdir -p docs/screenshots
	for shot in $(SCREENSHOTS); do \
		view=$${shot%%/*}; select=$${shot#$$view}; \
		env -u LODESTONE_HOME -u XDG_DATA_HOME HOME=$$(mktemp -d) QT_QPA_PLATFORM=offscreen \
			$(BIN)/lodestone render --example --view $$view --size 1280x800 \
			$${select:+--select $${select#/}} --out docs/screenshots/$$view.png || exit 1; \
	done

clean:
	rm -rf $(VENV) build dist *.egg-info app/*.egg-info

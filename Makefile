# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package
DESKTOP := packaging/lodestone.desktop
METAINFO := packaging/io.github.lodestone.Lodestone.metainfo.xml

.PHONY: run test bench lint clean package package-check icons

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lodestone --example

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests --ignore=tests/benchmarks

bench: $(STAMP)
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/benchmarks -m bench

lint: $(STAMP)
	$(BIN)/ruff check app tests packaging

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

clean:
	rm -rf $(VENV) build dist *.egg-info app/*.egg-info

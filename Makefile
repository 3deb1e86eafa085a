# Kotipolku: two commands set everything up on a fresh machine.
#   make run   – virtual environment, install, migrate the SQLite database, load reference
#                and demo data, serve on http://127.0.0.1:5000
#   make test  – install and run the whole test suite (PostgreSQL when
#                HOUSING_TEST_DATABASE_URL is set, as in CI; SQLite otherwise), browser
#                tests included: they drive Debian's Chromium at /usr/bin/chromium
#                (apt-get install chromium; .ci/run installs it) and are skipped with
#                the reason where it is missing, except with CI=true

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app housing
HOST ?= 127.0.0.1
PORT ?= 5000
HDS := static/vendor/hds

.PHONY: run test install assets translations messages lint serve clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The design system's CSS comes from npm (package.json) and is copied next to our own;
# npm also brings axe-core, which only the browser tests read from node_modules.
$(HDS)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(HDS)
	cp node_modules/hds-core/lib/base.min.css $(HDS)/base.min.css
	cp node_modules/hds-core/lib/components/all.min.css $(HDS)/components.min.css
	cp node_modules/hds-core/LICENSE $(HDS)/LICENSE
	touch $@

assets: $(HDS)/.installed

translations: install
	$(BIN)/pybabel compile -d translations 2>&1 | grep -v "^compiling catalog" || true
	@for l in fi sv en; do test -f translations/$$l/LC_MESSAGES/messages.mo || exit 1; done

# For developers: collect new strings from code and templates into the catalogues.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

run: install assets translations
	HOUSING_ENV=development $(FLASK) db upgrade
	HOUSING_ENV=development $(FLASK) load-reference
	HOUSING_ENV=development $(FLASK) seed-demo
	@echo ""
	@echo "Kotipolku is running at http://$(HOST):$(PORT)/"
	@echo "Demo logins (password: demo):"
	@echo "  admin@demo.fi          administrator"
	@echo "  coordinator@demo.fi    housing coordinator (Pirkanmaa)"
	@echo "  social.worker@demo.fi  social worker"
	@echo "  unit.manager@demo.fi   unit manager"
	@echo "  unit.staff@demo.fi     unit staff"
	@echo ""
	HOUSING_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: install assets translations lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) node_modules static/vendor instance *.egg-info
	find translations -name '*.mo' -delete

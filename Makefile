# Engage: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
GOVUK := frontend/node_modules/govuk-frontend/dist/govuk

.PHONY: run serve setup install assets migrate demo test bench clean translations catalogues

run: setup demo serve

setup: install assets catalogues migrate

install: $(VENV)/.stamp-requirements

$(VENV)/.stamp-requirements: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

assets: static/css/engage.css static/govuk/govuk-frontend.min.js

frontend/node_modules/.stamp: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/css/engage.css: frontend/node_modules/.stamp static/src/engage.scss
	mkdir -p static/css
	cd frontend && npx --no-install sass --quiet --load-path=node_modules --style=compressed --no-source-map ../static/src/engage.scss ../static/css/engage.css

static/govuk/govuk-frontend.min.js: frontend/node_modules/.stamp
	rm -rf static/govuk && mkdir -p static/govuk
	cp -r $(GOVUK)/assets static/govuk/assets
	cp $(GOVUK)/govuk-frontend.min.js static/govuk/govuk-frontend.min.js
	rm -f static/govuk/assets/images/govuk-crest.svg

migrate: install
	mkdir -p instance
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) engage seed-demo
	$(FLASK) engage toolkit-load
	$(FLASK) engage reindex

serve:
	ENGAGE_PUBLIC_URL=$${ENGAGE_PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install assets catalogues
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder -q $(PYTEST_ARGS)

# Texts to translate: extract every translation call into translations/messages.pot, bring
# each language's messages.po up to date with it (new texts empty, changed ones marked), and
# compile. Run after changing texts, then translate what `pybabel` reports as untranslated.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 --no-location --sort-output --omit-header -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(MAKE) catalogues

# The compiled catalogues (.mo) the app reads; built from the .po files, never committed.
catalogues: install
	$(PY) -c "from engage.core.i18n import compile_catalogues; compile_catalogues()"

bench: install
	@for f in bench/*.py; do echo "# $$f" >&2; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) static/css static/govuk frontend/node_modules instance/index

"""Templates import each other as Jinja does, only cheaper (engage/core/jinja_env.py): an
imported template sees the page's globals it lacks (then a fresh module, as Jinja makes),
and otherwise is its one module, drawn once."""
from __future__ import annotations

from jinja2 import DictLoader, Environment as PlainEnvironment

from engage.core.jinja_env import EngageEnvironment, ImportedTemplate

TEMPLATES = {
    "macros.html": "{% macro hello() %}Hello {{ who | default('nobody') }} from {{ site }}{% endmacro %}",
    "page.html": '{% from "macros.html" import hello %}{{ hello() }}',
}


def test_the_app_uses_it(app):
    assert isinstance(app.jinja_env, EngageEnvironment)
    assert app.jinja_env.get_template("base.html").__class__ is ImportedTemplate


def test_an_import_sees_what_stock_jinja_shows_it(app):
    pages = {f"page{n}.html": TEMPLATES["page.html"] for n in range(3)}
    ours = EngageEnvironment(app, loader=DictLoader({**TEMPLATES, **pages}))
    stock = PlainEnvironment(loader=DictLoader({**TEMPLATES, **pages}))
    for env in (ours, stock):
        env.globals["site"] = "Engage"
    # Globals the page has and the imported template lacks reach it (a fresh module) ...
    seen = []
    for n, extra in enumerate(({"who": "Ana"}, {"who": "Bryn"}, {})):
        mine = ours.get_template(f"page{n}.html", globals=extra).render()
        assert mine == stock.get_template(f"page{n}.html", globals=extra).render()
        seen.append(mine)
    assert seen == ["Hello Ana from Engage", "Hello Bryn from Engage", "Hello nobody from Engage"]
    # ... and a global of the whole environment changed later shows as it does in Jinja.
    ours.globals["site"] = stock.globals["site"] = "Engage 2"
    for n in range(3):
        assert ours.get_template(f"page{n}.html").render() == stock.get_template(f"page{n}.html").render()


def test_an_import_with_nothing_new_is_the_templates_one_module(app):
    env = EngageEnvironment(app, loader=DictLoader({**TEMPLATES, "other.html": TEMPLATES["page.html"]}))
    macros = env.get_template("macros.html")
    assert macros._get_default_module(env.get_template("page.html").new_context()) is macros.module
    fresh = macros._get_default_module(env.get_template("other.html", globals={"who": "Ana"}).new_context())
    assert fresh is not macros.module and str(fresh.hello()) == "Hello Ana from "

"""The yardstick for ``bench/pages.py``: a bare Flask app rendering a small template (a layout
and a page that extends it), served by the same gunicorn as Engage in the same run. Not a bench
itself: ``gunicorn --chdir bench bare_app:app``."""
from flask import Flask, render_template
from jinja2 import DictLoader

app = Flask(__name__)
app.jinja_loader = DictLoader({
    "layout.html": (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{% endblock %}</title>"
        "</head><body><header><a href=\"/\">{{ site }}</a></header><main>{% block content %}{% endblock %}</main>"
        "<footer>{{ site }}</footer></body></html>"
    ),
    "page.html": (
        "{% extends \"layout.html\" %}{% block title %}{{ heading }}{% endblock %}{% block content %}"
        "<h1>{{ heading }}</h1><ul>{% for item in items %}<li><a href=\"/items/{{ loop.index }}\">{{ item }}</a></li>"
        "{% endfor %}</ul>{% endblock %}"
    ),
})


@app.route("/")
def index():
    return render_template("page.html", site="Bare", heading="A small page",
                           items=[f"Item number {n}" for n in range(10)])

"""Jinja, as Flask sets it up, with one thing made cheap: a template imported without the
page's context (``{% from "x.html" import y %}``) is looked up against the page's globals on
every import. Jinja works out which of the page's globals the imported template lacks with
``frozenset - ChainMap.keys()``, a Python-level loop over some forty names with a generator
per name (about 230 Python calls an import; a question page made three). Here the same set is
worked out by ``frozenset.difference`` over the ChainMap's own dictionaries, in C. The answer
is the same set; what Jinja does with it is unchanged (a fresh module when the page has
globals the template lacks, else the template's one module)."""
from __future__ import annotations

from flask.templating import Environment
from jinja2 import Template


class ImportedTemplate(Template):
    def _get_default_module(self, ctx=None):
        maps = getattr(self.globals, "maps", None)
        if ctx is not None and maps is not None and not self.environment.is_async:
            missing = ctx.globals_keys.difference(*maps)
            if missing:
                return self.make_module({k: ctx.parent[k] for k in missing})
            ctx = None   # nothing the template lacks: its one module, as Jinja would
        return super()._get_default_module(ctx)


class EngageEnvironment(Environment):
    template_class = ImportedTemplate

"""Templates compiled per language: fixed texts and links written in once, not looked up per page.

A page calls `_("...")` and `url_for("...")` some forty times, and each call costs Jinja's call
machinery, the context lookups and the catalog on every request, although the answer is the same
for every page in that language. `FoldingEnvironment` keeps one copy of every template per
language and script root (the prefix the app is mounted under). When such a copy is compiled,
the calls whose answer is fixed are replaced by that answer:

- `_("text")` and `gettext("text")` with a literal text become the translation, marked safe
  when escaping is on, exactly as `i18n.template_gettext` gives it; with keyword arguments the
  `%` formatting (which escapes the values) stays, on the translated text;
- `url_for("endpoint", name="literal", ...)` with a full endpoint name and literal arguments
  becomes the URL (an `_external`, `_anchor` or other `_` option, a relative `.endpoint` or a
  link that does not build is left as a call).

A call whose answer cannot be worked out (a bad `%` in a translation, a link that does not
build) is left as a call, to fail or not at render time as before. A template that binds one of
these names itself (`set`, a macro, an import) keeps its calls; a render that passes other
`_`, `gettext` or `url_for` values to a folded template is refused with a TypeError, since
what a parent or including template binds is not seen when a template is compiled.

What remains is compiled by Jinja as usual. Only `get_template` and friends on the app's own
environment choose a copy; `from_string` (and `render_template_string`), overlays made by
others (the plain-text mail environment) and rendering outside a request use the templates as
they are. At most `MAX_COPIES` copies are made: past that (more script roots than a
deployment has, say a proxy that passes a client's `SCRIPT_NAME` header), templates are
rendered unfolded, so memory stays bounded. `tests/test_template_folding.py` renders every
page type of every role both ways and compares them.
"""

from __future__ import annotations

import typing as t

from flask import has_request_context, request, url_for
from flask.templating import Environment
from flask_babel import get_locale
from jinja2 import Template, nodes
from jinja2.visitor import NodeTransformer

from .i18n import current_translations

CACHE_SIZE = 400  # templates per copy, as Jinja's default
MAX_COPIES = 8  # languages x script roots; past this, templates are rendered unfolded
GETTEXT_NAMES = frozenset({"_", "gettext"})
FOLDED_NAMES = GETTEXT_NAMES | {"url_for"}


def _literal(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, (str, int, float, bool))


def _plain_call(node: nodes.Call) -> bool:
    """A call `name(...)` without `*args` or `**kwargs`."""
    return isinstance(node.node, nodes.Name) and node.dyn_args is None and node.dyn_kwargs is None


class Folder(NodeTransformer):
    """Replaces fixed `_()` and `url_for()` calls by their answer (see the module's text)."""

    def __init__(self, translations: t.Any, assigned: frozenset[str]) -> None:
        self.translations = translations
        self.assigned = assigned  # names the template sets itself: never folded

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not _plain_call(node) or node.node.name in self.assigned:
            return node
        name = node.node.name
        if name in GETTEXT_NAMES:
            return self._gettext(node)
        if name == "url_for":
            return self._url_for(node)
        return node

    def _gettext(self, node: nodes.Call) -> nodes.Node:
        if len(node.args) != 1 or not isinstance(node.args[0], nodes.Const):
            return node
        source = node.args[0].value
        if not isinstance(source, str):
            return node
        text = self.translations.ugettext(source)
        if not node.kwargs:
            # template_gettext formats a text with "%" even without arguments ("%%" -> "%")
            try:
                text = text % {} if "%" in text else text
            except (TypeError, ValueError, KeyError):  # a bad "%": fail (or not) at render time
                return node
            return nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno)
        pairs = [
            nodes.Pair(nodes.Const(kw.key), kw.value, lineno=node.lineno) for kw in node.kwargs
        ]
        return nodes.Mod(
            nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno),
            nodes.Dict(pairs, lineno=node.lineno),
            lineno=node.lineno,
        )

    def _url_for(self, node: nodes.Call) -> nodes.Node:
        if len(node.args) != 1 or not isinstance(node.args[0], nodes.Const):
            return node
        endpoint = node.args[0].value
        if not isinstance(endpoint, str) or endpoint.startswith("."):
            return node
        if not all(_literal(kw.value) and not kw.key.startswith("_") for kw in node.kwargs):
            return node
        values = {kw.key: kw.value.value for kw in node.kwargs}
        try:
            url = url_for(endpoint, **values)
        except Exception:  # noqa: BLE001 (BuildError, a converter's ValueError, ...)
            return node  # fail (or not) at render time, as before
        return nodes.Const(url, lineno=node.lineno)


def _assigned_names(tree: nodes.Template) -> frozenset[str]:
    """Names a template binds itself (`set`, `for`, `with`, macros and their arguments,
    imports). What a parent template or an including one binds is not seen here: no
    template may bind `_`, `gettext` or `url_for` for another one."""
    names = set()
    for name in tree.find_all(nodes.Name):
        if name.ctx in ("store", "param"):
            names.add(name.name)
    for macro in tree.find_all(nodes.Macro):
        names.add(macro.name)
    for imported in tree.find_all(nodes.FromImport):
        for entry in imported.names:
            names.add(entry[1] if isinstance(entry, tuple) else entry)
    for imported in tree.find_all(nodes.Import):
        names.add(imported.target)
    return frozenset(names)


class FoldedTemplate(Template):
    """A template of a folded copy: its `_`, `gettext` and `url_for` calls may have been
    replaced at compile time, so a render must not hand it other ones."""

    def new_context(self, vars=None, shared=False, locals=None):  # noqa: A002 (Jinja's names)
        if vars and not FOLDED_NAMES.isdisjoint(vars):
            own = self.environment.globals  # includes and imports pass the globals on
            passed = sorted(n for n in FOLDED_NAMES & vars.keys() if vars[n] is not own.get(n))
            if passed:
                raise TypeError(
                    f"{self.name}: {', '.join(passed)} cannot be passed to a template; they are "
                    "written into the compiled templates (profiler.template_folding)."
                )
        return super().new_context(vars, shared, locals)


class FoldingEnvironment(Environment):
    """Flask's Jinja environment with a folded copy of the templates per language and script
    root (see the module's text)."""

    fold_key: tuple[str, str] | None = None  # set on the per-language copies
    folding = True  # False: the app's environment serves its templates unfolded (tests)

    def __init__(self, app, **options: t.Any) -> None:
        super().__init__(app, **options)
        self._copies: dict[tuple[str, str], FoldingEnvironment] = {}
        self._chooses = True  # only the app's own environment picks a copy

    def overlay(self, **options: t.Any) -> FoldingEnvironment:
        """An overlay (the mail's plain-text environment) renders its templates unfolded."""
        rv = super().overlay(**options)
        rv._chooses = False
        rv.fold_key = None
        return rv

    def _copy(self) -> FoldingEnvironment:
        """The copy for the request's language and script root (self when none applies)."""
        if not (self._chooses and self.folding and has_request_context()):
            return self
        locale = get_locale()
        if locale is None:
            return self
        key = (str(locale), request.script_root)
        copy = self._copies.get(key)
        if copy is None:
            if len(self._copies) >= MAX_COPIES:
                # More script roots than a deployment has (a proxy passing a client's
                # SCRIPT_NAME header?): no copy per root, memory stays bounded.
                return self
            copy = super().overlay(cache_size=CACHE_SIZE)
            copy.template_class = FoldedTemplate
            copy._chooses = False
            copy.fold_key = key
            copy._translations = current_translations()
            self._copies[key] = copy
        return copy

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 (Jinja's names)
        copy = self._copy()
        if copy is self:
            return super().get_template(name, parent, globals)
        return copy.get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):  # noqa: A002
        copy = self._copy()
        if copy is self:
            return super().select_template(names, parent, globals)
        return copy.select_template(names, parent, globals)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if self.fold_key is None:
            return tree
        return Folder(self._translations, _assigned_names(tree)).visit(tree)

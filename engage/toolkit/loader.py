"""Loading the toolkit's Markdown files: ``flask --app wsgi engage toolkit-load``.

The rule where files and site edits meet:

- A new file adds a new entry.
- A file updates its entry only while the entry still follows the file (``source`` is
  "file"). Each update is a new revision, so nothing is lost.
- Once an officer changes an entry in the site (an edit, a restore, or an accepted
  suggestion), the site's version wins: loading leaves it alone and reports that the file has
  changed, and the entry's edit page offers "Go back to the file version".
- A file that fails validation is skipped with an error naming the file and the field; the
  rest of the toolkit still loads. Entries whose file has gone are kept and reported.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import click
import frontmatter
from flask import current_app
from sqlalchemy import select

from ..cli import engage_cli
from ..extensions import db
from . import services
from .models import META_FIELDS, ToolkitEntry

FOLDERS = {"methods": "method", "guides": "guide"}
KNOWN_FIELDS = {"title", "kind", "summary", *META_FIELDS}


@dataclass
class LoadError:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass
class ParsedFile:
    path: Path
    relative: str  # e.g. methods/focus-group.md
    slug: str
    kind: str
    data: dict
    digest: str


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited in the site, file has changed
    no_file: list[str] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.kept)


def toolkit_dir() -> Path:
    return Path(current_app.config["ENGAGE_TOOLKIT_DIR"])


def find_files(folder: Path) -> list[tuple[Path, str]]:
    out = []
    for name, kind in FOLDERS.items():
        sub = folder / name
        if sub.is_dir():
            out += [(p, kind) for p in sorted(sub.glob("*.md")) if p.is_file()]
    return out


def parse_file(path: Path, kind: str, folder: Path, known_slugs: set[str] | None) -> tuple[ParsedFile | None, list[LoadError]]:
    """Read and validate one file. Returns (parsed, []) or (None, errors)."""
    relative = path.relative_to(folder).as_posix()
    slug = path.stem

    def fail(field_name, message):
        return None, [LoadError(relative, field_name, message)]

    if not services.SLUG.match(slug) or len(slug) > 80:
        return fail("file name", "must be lower-case words joined by hyphens, like focus-group.md")
    if slug in services.RESERVED_SLUGS:
        return fail("file name", f"'{slug}' is used by the toolkit's own pages: choose another name")
    try:
        raw_bytes = path.read_bytes()
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        return fail("file", "is not UTF-8 text: save it as UTF-8")
    except OSError as error:
        return fail("file", f"cannot be read ({error.strerror or error})")
    if not text.lstrip().startswith("---"):
        return fail("front matter", "is missing: the file must start with a line of three hyphens (---)")
    try:
        post = frontmatter.loads(text)
    except Exception as error:  # YAML errors come in many types
        where = getattr(error, "problem_mark", None)
        line = f" near line {where.line + 1}" if where is not None else ""
        return fail("front matter", f"is not valid YAML{line}: {getattr(error, 'problem', None) or error}")
    meta = post.metadata
    if not isinstance(meta, dict) or not meta:
        return fail("front matter", "is empty: it needs title, kind, summary and the other fields in FORMAT.md")
    errors = [LoadError(relative, str(name), f"is not a field we know; the fields are: {', '.join(sorted(KNOWN_FIELDS))}")
              for name in meta if name not in KNOWN_FIELDS]
    if meta.get("kind") != kind:
        errors.append(LoadError(relative, "kind", f"must be '{kind}' for a file in {path.parent.name}/ (it is {meta.get('kind')!r})"))
    raw = {name: meta.get(name) for name in ("title", "summary", *META_FIELDS)}
    raw["body"] = post.content
    data, problems = services.check_entry(raw, kind, known_slugs=known_slugs, slug=slug)
    errors += [LoadError(relative, name, message) for name, message in problems]
    if errors:
        return None, errors
    digest = hashlib.sha256(raw_bytes).hexdigest()
    return ParsedFile(path, relative, slug, kind, data, digest), []


def load_toolkit(folder: Path | None = None, progress=None) -> LoadReport:
    """Load every file in ``folder`` (default ENGAGE_TOOLKIT_DIR). Flushes; the caller commits."""
    folder = Path(folder or toolkit_dir())
    report = LoadReport()
    if not folder.is_dir():
        report.errors.append(LoadError(str(folder), "folder", "does not exist (set ENGAGE_TOOLKIT_DIR to the toolkit folder)"))
        return report
    files = find_files(folder)
    entries = {e.slug: e for e in db.session.scalars(select(ToolkitEntry))}
    # "related" may name any entry that has a file (even one that fails) or is in the site.
    known = set(entries) | {p.stem for p, _ in files}
    seen: dict[str, str] = {}
    for path, kind in files:
        parsed, errors = parse_file(path, kind, folder, known)
        if progress:
            progress(1)
        if errors:
            report.errors += errors
            continue
        if parsed.slug in seen:
            report.errors.append(LoadError(parsed.relative, "file name", f"is the same as {seen[parsed.slug]}: each entry needs its own name"))
            continue
        seen[parsed.slug] = parsed.relative
        entry = entries.get(parsed.slug)
        if entry is None:
            services.create_entry(None, parsed.slug, parsed.kind, parsed.data, f"First loaded from toolkit/{parsed.relative}",
                                  source="file", file_path=parsed.relative, file_hash=parsed.digest)
            report.created.append(parsed.slug)
        elif entry.source == "file":
            if entry.file_hash == parsed.digest and entry.file_path == parsed.relative:
                report.unchanged.append(parsed.slug)
            else:
                services.update_from_file(entry, parsed.kind, parsed.data, parsed.relative, parsed.digest)
                report.updated.append(parsed.slug)
        else:
            # Edited in the site: the site's version wins. Note that the file has moved on.
            if entry.file_hash != parsed.digest:
                entry.file_changed = True
                entry.file_path = parsed.relative
                report.kept.append(parsed.slug)
            else:
                report.unchanged.append(parsed.slug)
    report.no_file = sorted(slug for slug, e in entries.items() if slug not in seen and e.file_path and e.source == "file"
                            and not any(err.file == e.file_path for err in report.errors))
    db.session.flush()
    return report


def read_file_version(entry: ToolkitEntry) -> tuple[ParsedFile | None, list[LoadError]]:
    """The entry's file as it is now, validated (for "Go back to the file version")."""
    folder = toolkit_dir()
    candidates = [(folder / entry.file_path, FOLDERS.get(Path(entry.file_path).parent.name))] if entry.file_path else []
    candidates += [(folder / name / f"{entry.slug}.md", kind) for name, kind in FOLDERS.items()]
    for path, kind in candidates:
        if kind and path.is_file():
            return parse_file(path, kind, folder, services.slugs() | {p.stem for p, _ in find_files(folder)})
    return None, [LoadError(f"{entry.slug}.md", "file", "There is no file for this entry in the toolkit folder.")]


@engage_cli.command("toolkit-load")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The toolkit folder (default: ENGAGE_TOOLKIT_DIR, the toolkit/ folder).")
@click.option("--strict", is_flag=True, help="Exit with an error code if any file fails (for CI).")
def toolkit_load_command(folder, strict):
    """Load the toolkit's Markdown files; bad files are named and skipped."""
    folder = Path(folder or toolkit_dir())
    total = len(find_files(folder)) if folder.is_dir() else 0
    with click.progressbar(length=max(total, 1), label="Loading the toolkit", file=None) as bar:
        report = load_toolkit(folder, progress=bar.update)
    db.session.commit()
    click.echo(f"{report.loaded} entries loaded: {len(report.created)} new, {len(report.updated)} updated from their files, "
               f"{len(report.unchanged)} unchanged, {len(report.kept)} kept as edited in the site.")
    for slug in report.kept:
        click.echo(f"  {slug}: edited in the site, so the changed file was not used (an officer can go back to the file version).")
    for slug in report.no_file:
        click.echo(f"  {slug}: its file has gone; the entry is kept.")
    if report.errors:
        click.echo(f"{len(report.errors)} problem(s); these files were skipped:", err=True)
        for error in report.errors:
            click.echo(f"  {error}", err=True)
        if strict:
            raise SystemExit(1)

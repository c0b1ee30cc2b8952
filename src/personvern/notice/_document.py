"""A small document model (sections of paragraphs, lists and term/value pairs) and its Jinja2 rendering.

The notice is assembled once as sections; the Markdown and HTML templates only lay them out, so both formats
always say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

_LINK = re.compile(r"(https?://[^\s<>()]+[^\s<>().,;:])|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


@dataclass
class Block:
    """A paragraph (``p``), a bullet list (``ul``) or a list of term/value pairs (``dl``)."""

    kind: Literal["p", "ul", "dl"]
    text: str = ""
    items: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def p(self, text: str) -> Section:
        self.blocks.append(Block("p", text=text))
        return self

    def ul(self, items: list[str]) -> Section:
        if items:
            self.blocks.append(Block("ul", items=items))
        return self

    def dl(self, pairs: list[tuple[str, str]]) -> Section:
        pairs = [(k, v) for k, v in pairs if v]
        if pairs:
            self.blocks.append(Block("dl", pairs=pairs))
        return self


def linkify(text: str) -> Markup:
    """Escape ``text`` and turn web addresses and e-mail addresses into links."""

    def link(m: re.Match[str]) -> str:
        url, email = m[1], m[2]
        href = url if url else f"mailto:{email}"
        return f'<a href="{href}">{m[0]}</a>'

    return Markup(_LINK.sub(link, str(escape(text))))


def md_escape(text: str) -> str:
    """Escape the few characters Markdown would read as formatting inside running text."""
    return re.sub(r"([\\`*\[\]<>])", r"\\\1", text)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("personvern.notice", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["linkify"] = linkify
    env.filters["md"] = md_escape
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop: ``36 måneder …`` -> ``36 måneder ….``."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def clause(text: str) -> str:
    """Text that goes inside a sentence: without a trailing full stop."""
    return text.strip().rstrip(".")

"""Localisation lookup: every text a person sees, named by a stable message context, translated.

The engine stays free of Flask and gettext: callers pass a ``translate(context, text)`` callable
(the web and SMS channels pass their catalogue's ``pgettext``). The contexts here are the same ones
the Babel extractor (app/i18n/questionnaire_extractor.py) writes into the catalogue, so a
translation is found by what the text is for, and a source edit shows translators the old text.

Contexts leave the version out on purpose: a wording kept from v1 to v2 is the same catalogue
entry (translated once), and a wording changed in v2 shares its context with v1's, so the
catalogue update offers the old translation as an outdated starting point instead of nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from .schema import Domain, Item, Option, Page, Piping, Questionnaire, Section

Translate = Callable[[str, str], str]

# The section an area's local module adds after the core (app/questionnaire/modules.py).
LOCAL_SECTION_ID = "local"


def namespace(q: Questionnaire, section_id: str | None = None) -> str:
    """The questionnaire id a text is translated under.

    An area's composed questionnaire (``based_on`` the core) keeps the core's texts under the
    core's id, so the core's translations serve every area; only its local section's texts
    are the area's own.
    """
    if q.based_on is not None and section_id != LOCAL_SECTION_ID:
        return q.based_on
    return q.id


def title_context(q_id: str) -> str:
    return f"{q_id}:title"


def section_context(q_id: str, section_id: str, field: str) -> str:
    return f"{q_id}:section:{section_id}:{field}"


def item_context(q_id: str, item_id: str, field: str) -> str:
    return f"{q_id}:{item_id}:{field}"


def item_option_context(q_id: str, item_id: str, code: str) -> str:
    return f"{q_id}:{item_id}:option:{code}"


def scale_option_context(q_id: str, scale_id: str, code: str) -> str:
    return f"{q_id}:scale:{scale_id}:{code}"


def piping_context(q_id: str, relationship_code: str | None) -> str:
    return f"{q_id}:piping:{relationship_code or 'default'}"


def domain_context(q_id: str, domain_id: str) -> str:
    return f"{q_id}:domain:{domain_id}:name"


def indicator_context(q_id: str, indicator_id: str) -> str:
    return f"{q_id}:indicator:{indicator_id}:name"


def identity(_context: str, text: str) -> str:
    return text


def _option(option: Option, context: str, translate: Translate) -> Option:
    return replace(option, label=translate(context, option.label))


def option_context(q: Questionnaire, item: Item, option: Option) -> str:
    """A scale's option is translated once for every item using the scale; own options per item."""
    if item.scale_id is not None and any(
        o.code == option.code for o in q.scales.get(item.scale_id, ())
    ):
        return scale_option_context(namespace(q), item.scale_id, option.code)
    return item_option_context(namespace(q, item.section_id), item.id, option.code)


def item_contexts(q: Questionnaire, item: Item) -> set[str]:
    """The contexts of every text an item shows (question, hint, SMS wording, options)."""
    own = namespace(q, item.section_id)
    contexts = {item_context(own, item.id, field) for field in ("text", "hint", "sms")}
    contexts.update(option_context(q, item, option) for option in item.options)
    return contexts


def page_contexts(q: Questionnaire, page: Page) -> set[str]:
    """The contexts of every text a page can show, including how it names the person."""
    section = next(s for s in q.sections if s.id == page.section_id)
    contexts = {
        section_context(namespace(q, section.id), section.id, "title"),
        section_context(namespace(q, section.id), section.id, "intro"),
    }
    for item in page.items:
        contexts |= item_contexts(q, item)
    if q.piping is not None:
        contexts.add(piping_context(namespace(q), None))
        contexts.update(piping_context(namespace(q), code) for code in q.piping.by_relationship)
    return contexts


def _item(q: Questionnaire, item: Item, translate: Translate) -> Item:
    own = namespace(q, item.section_id)
    return replace(
        item,
        text=translate(item_context(own, item.id, "text"), item.text),
        hint=translate(item_context(own, item.id, "hint"), item.hint) if item.hint else None,
        sms_text=translate(item_context(own, item.id, "sms"), item.sms_text)
        if item.sms_text
        else None,
        options=tuple(_option(o, option_context(q, item, o), translate) for o in item.options),
    )


def _section(q: Questionnaire, section: Section, translate: Translate) -> Section:
    return replace(
        section,
        title=translate(
            section_context(namespace(q, section.id), section.id, "title"), section.title
        ),
        intro=translate(
            section_context(namespace(q, section.id), section.id, "intro"), section.intro
        )
        if section.intro
        else None,
        pages=tuple(
            replace(page, items=tuple(_item(q, item, translate) for item in page.items))
            for page in section.pages
        ),
    )


def _piping(q: Questionnaire, translate: Translate) -> Piping | None:
    if q.piping is None:
        return None
    return Piping(
        relationship_item=q.piping.relationship_item,
        default=translate(piping_context(namespace(q), None), q.piping.default),
        by_relationship={
            code: translate(piping_context(namespace(q), code), phrase)
            for code, phrase in q.piping.by_relationship.items()
        },
    )


def localise(q: Questionnaire, translate: Translate) -> Questionnaire:
    """The questionnaire with every visible text translated; ids, codes and rules unchanged."""
    return Questionnaire(
        id=q.id,
        version=q.version,
        title=translate(title_context(namespace(q)), q.title),
        languages=q.languages,
        sections=tuple(_section(q, section, translate) for section in q.sections),
        scales={
            scale_id: tuple(
                _option(o, scale_option_context(namespace(q), scale_id, o.code), translate)
                for o in options
            )
            for scale_id, options in q.scales.items()
        },
        indicators=tuple(
            replace(i, name=translate(indicator_context(namespace(q), i.id), i.name))
            if i.name
            else i
            for i in q.indicators
        ),
        domains=tuple(
            Domain(d.id, translate(domain_context(namespace(q), d.id), d.name), d.item_ids)
            for d in q.domains
        ),
        case_mix=q.case_mix,
        sms_form=q.sms_form,
        piping=_piping(q, translate),
        based_on=q.based_on,
    )


def visible_texts(q: Questionnaire) -> Iterator[tuple[str, str]]:
    """Every (context, English text) the questionnaire shows, in file order."""
    seen: list[tuple[str, str]] = []

    def record(context: str, text: str) -> str:
        seen.append((context, text))
        return text

    localise(q, record)
    yield from dict.fromkeys(seen)


__all__ = [
    "LOCAL_SECTION_ID",
    "Translate",
    "domain_context",
    "indicator_context",
    "identity",
    "item_context",
    "item_option_context",
    "item_contexts",
    "localise",
    "namespace",
    "option_context",
    "page_contexts",
    "piping_context",
    "scale_option_context",
    "section_context",
    "title_context",
    "visible_texts",
]

"""Gating by configuration: code-page sections that need an account, and daily page quotas.

Defaults gate nothing (a self-hosted install is open). ``Settings.gate_sections`` is ``()``
(nothing), ``("tagged",)`` (the sections the code page itself tags ``account``), or a list of
section ids. Quotas count code pages per UTC day, per user or per guest address; 0 is no limit.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy.orm import Session

from chartcode.services.code_page import PUBLIC, CodePage, Section
from chartcode.web.context import QuotaExceeded, ctx
from chartcode.web.settings import Settings
from chartcode.web.userdb import repository as repo
from chartcode.web.userdb.models import User


def gated(section: Section, settings: Settings) -> bool:
    """Whether a section needs an account under these settings."""
    rule = settings.gate_sections
    if not rule:
        return False
    if rule == ("tagged",):
        return section.visibility != PUBLIC
    return section.id in rule


def split_sections(
    page: CodePage, user: User | None, settings: Settings
) -> tuple[list[Section], list[Section]]:
    """The sections this reader sees, and those withheld until they sign in."""
    if user is not None:
        return list(page.sections), []
    shown = [s for s in page.sections if not gated(s, settings)]
    hidden = [s for s in page.sections if gated(s, settings)]
    return shown, hidden


def page_json(page: CodePage, user: User | None, settings: Settings) -> dict[str, object]:
    """The code page JSON (as ``chartcode lookup --json``), less any gated sections."""
    data = page.to_dict()
    shown, hidden = split_sections(page, user, settings)
    if hidden:
        keep = {s.id for s in shown}
        sections = data["sections"]
        assert isinstance(sections, list)
        data["sections"] = [s for s in sections if s["id"] in keep]
        data["gated_sections"] = [s.id for s in hidden]
    return data


def count_view(request: Request, db: Session, user: User | None) -> None:
    """Count a code-page view against the reader's daily quota; raise when it is used up."""
    settings = ctx(request).settings
    limit = settings.user_daily_pages if user is not None else settings.guest_daily_pages
    if limit <= 0:
        return
    subject = f"user:{user.id}" if user is not None else ctx(request).guest_subject(request)
    if repo.count_page_view(db, subject, datetime.now(UTC)) > limit:
        raise QuotaExceeded(limit, guest=user is None)

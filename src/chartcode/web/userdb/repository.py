"""Every query on the user database. Per-user reads and writes take the owner's id and filter by it.

A thing that belongs to another user is reported as absent (``None``), never as forbidden, so a
route answers 404 and reveals nothing about other accounts.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chartcode.web.userdb.models import (
    ApiToken,
    Conversation,
    Favourite,
    Message,
    Note,
    PageViews,
    PasswordReset,
    SavedCase,
    SearchEntry,
    User,
    now,
)

TOKEN_PREFIX = "cc_"
HISTORY_KEPT = 200


def token_hash(token: str) -> str:
    """Tokens are random (256 bits), so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- users ----------------------------------------------------------------------------------------
def user_by_id(db: Session, user_id: int) -> User | None:
    return db.get(User, user_id)


def user_by_email(db: Session, email: str) -> User | None:
    return db.scalars(select(User).where(User.email == email.strip().lower())).first()


def count_users(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(User)) or 0)


def create_user(db: Session, email: str, password_hash: str, role: str) -> User | None:
    """The new user, or None when the email is taken."""
    user = User(email=email.strip().lower(), password_hash=password_hash, role=role)
    db.add(user)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        return None
    return user


def set_password(db: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    user.auth_epoch += 1
    db.commit()


# -- password resets ------------------------------------------------------------------------------
def new_reset(db: Session, user: User, valid_for: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    db.add(
        PasswordReset(user_id=user.id, token_hash=token_hash(token), expires_at=now() + valid_for)
    )
    db.commit()
    return token


def _live_reset(db: Session, token: str) -> PasswordReset | None:
    reset = db.scalars(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))
    ).first()
    if reset is None or reset.used_at is not None or reset.expires_at < now():
        return None
    return reset


def reset_user(db: Session, token: str) -> User | None:
    """The user a live, unused reset token belongs to; the token is not spent."""
    reset = _live_reset(db, token)
    return None if reset is None else db.get(User, reset.user_id)


def use_reset(db: Session, token: str) -> User | None:
    """The user a live, unused reset token belongs to; the token is spent."""
    reset = _live_reset(db, token)
    if reset is None:
        return None
    reset.used_at = now()
    db.commit()
    return db.get(User, reset.user_id)


# -- API tokens -----------------------------------------------------------------------------------
def new_token(db: Session, user_id: int, name: str) -> tuple[ApiToken, str]:
    """The stored token row and the token itself, which is shown once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user_id, name=name, token_hash=token_hash(token), prefix=token[:10])
    db.add(row)
    db.commit()
    return row, token


def tokens(db: Session, user_id: int) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    return list(db.scalars(stmt))


def delete_token(db: Session, user_id: int, token_id: int) -> bool:
    result = db.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    )
    db.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def user_for_token(db: Session, token: str) -> User | None:
    row = db.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None:
        return None
    db.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now()))
    db.commit()
    return db.get(User, row.user_id)


# -- saved cases ----------------------------------------------------------------------------------
def save_case(
    db: Session, user_id: int, title: str, text: str, suggestions: dict[str, object] | None
) -> SavedCase:
    case = SavedCase(
        user_id=user_id,
        title=title,
        text=text,
        suggestions=json.dumps(suggestions) if suggestions is not None else None,
    )
    db.add(case)
    db.commit()
    return case


def cases(db: Session, user_id: int) -> list[SavedCase]:
    stmt = select(SavedCase).where(SavedCase.user_id == user_id).order_by(SavedCase.id.desc())
    return list(db.scalars(stmt))


def case(db: Session, user_id: int, case_id: int) -> SavedCase | None:
    stmt = select(SavedCase).where(SavedCase.id == case_id, SavedCase.user_id == user_id)
    return db.scalars(stmt).first()


def delete_case(db: Session, user_id: int, case_id: int) -> bool:
    found = case(db, user_id, case_id)
    if found is None:
        return False
    db.delete(found)
    db.commit()
    return True


# -- favourites -----------------------------------------------------------------------------------
def favourites(db: Session, user_id: int) -> list[Favourite]:
    stmt = select(Favourite).where(Favourite.user_id == user_id).order_by(Favourite.id.desc())
    return list(db.scalars(stmt))


def favourite(db: Session, user_id: int, system: str, code: str) -> Favourite | None:
    stmt = select(Favourite).where(
        Favourite.user_id == user_id, Favourite.system == system, Favourite.code == code
    )
    return db.scalars(stmt).first()


def add_favourite(db: Session, user_id: int, system: str, code: str, title: str) -> Favourite:
    existing = favourite(db, user_id, system, code)
    if existing is not None:
        return existing
    fav = Favourite(user_id=user_id, system=system, code=code, title=title[:500])
    db.add(fav)
    db.commit()
    return fav


def delete_favourite(db: Session, user_id: int, favourite_id: int) -> bool:
    fav = db.scalars(
        select(Favourite).where(Favourite.id == favourite_id, Favourite.user_id == user_id)
    ).first()
    if fav is None:
        return False
    db.delete(fav)
    db.commit()
    return True


# -- notes ----------------------------------------------------------------------------------------
def notes(
    db: Session, user_id: int, system: str | None = None, code: str | None = None
) -> list[Note]:
    stmt = select(Note).where(Note.user_id == user_id)
    if system is not None and code is not None:
        stmt = stmt.where(Note.system == system, Note.code == code)
    return list(db.scalars(stmt.order_by(Note.id.desc())))


def note(db: Session, user_id: int, note_id: int) -> Note | None:
    return db.scalars(select(Note).where(Note.id == note_id, Note.user_id == user_id)).first()


def add_note(db: Session, user_id: int, system: str, code: str, text: str) -> Note:
    row = Note(user_id=user_id, system=system, code=code, text=text)
    db.add(row)
    db.commit()
    return row


def edit_note(db: Session, user_id: int, note_id: int, text: str) -> Note | None:
    row = note(db, user_id, note_id)
    if row is None:
        return None
    row.text = text
    row.updated_at = now()
    db.commit()
    return row


def delete_note(db: Session, user_id: int, note_id: int) -> bool:
    row = note(db, user_id, note_id)
    if row is None:
        return False
    db.delete(row)
    db.commit()
    return True


# -- search history -------------------------------------------------------------------------------
def record_search(db: Session, user_id: int, query: str) -> None:
    db.add(SearchEntry(user_id=user_id, query=query[:500]))
    db.commit()


def history(db: Session, user_id: int, limit: int = HISTORY_KEPT) -> list[SearchEntry]:
    stmt = (
        select(SearchEntry)
        .where(SearchEntry.user_id == user_id)
        .order_by(SearchEntry.id.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))


def delete_history_entry(db: Session, user_id: int, entry_id: int) -> bool:
    row = db.scalars(
        select(SearchEntry).where(SearchEntry.id == entry_id, SearchEntry.user_id == user_id)
    ).first()
    if row is None:
        return False
    db.delete(row)
    db.commit()
    return True


def clear_history(db: Session, user_id: int) -> None:
    db.execute(delete(SearchEntry).where(SearchEntry.user_id == user_id))
    db.commit()


# -- page-view quotas -----------------------------------------------------------------------------
def count_page_view(db: Session, subject: str, day: datetime) -> int:
    """Count one more view for ``subject`` today and return today's total."""
    key = day.date().isoformat()
    row = db.scalars(
        select(PageViews).where(PageViews.subject == subject, PageViews.day == key)
    ).first()
    if row is None:
        row = PageViews(subject=subject, day=key, count=0)
        db.add(row)
        try:
            db.flush()
        except IntegrityError:  # another worker created it first
            db.rollback()
            return count_page_view(db, subject, day)
    db.execute(update(PageViews).where(PageViews.id == row.id).values(count=PageViews.count + 1))
    db.commit()
    return int(db.scalar(select(PageViews.count).where(PageViews.id == row.id)) or 0)


# -- assistant conversations ----------------------------------------------------------------------
CONVERSATIONS_LISTED = 100


def conversations(
    db: Session, user_id: int, limit: int = CONVERSATIONS_LISTED
) -> list[Conversation]:
    """The user's conversations, the most recently continued first."""
    stmt = (
        select(Conversation)
        .where(Conversation.user_id == user_id)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))


def conversation(db: Session, user_id: int, conversation_id: int) -> Conversation | None:
    stmt = select(Conversation).where(
        Conversation.id == conversation_id, Conversation.user_id == user_id
    )
    return db.scalars(stmt).first()


def messages(db: Session, user_id: int, conversation_id: int) -> list[Message]:
    """A conversation's messages in order; empty when it is not this user's."""
    stmt = (
        select(Message)
        .join(Conversation, Message.conversation_id == Conversation.id)
        .where(Message.conversation_id == conversation_id, Conversation.user_id == user_id)
        .order_by(Message.id)
    )
    return list(db.scalars(stmt))


def add_exchange(
    db: Session,
    user_id: int,
    conversation_id: int | None,
    question: str,
    answer: dict[str, object],
) -> Conversation:
    """Save a question and its answer, in the user's conversation or a new one.

    A ``conversation_id`` that is not this user's starts a new conversation (the route has
    already answered 404 for it; this only keeps a race from writing into another's).
    """
    found = conversation(db, user_id, conversation_id) if conversation_id is not None else None
    if found is None:
        title = " ".join(question.split())[:80] or "Question"
        found = Conversation(user_id=user_id, title=title)
        db.add(found)
        db.flush()
    found.updated_at = now()
    db.add(Message(conversation_id=found.id, role="user", text=question))
    db.add(
        Message(
            conversation_id=found.id,
            role="assistant",
            text=str(answer.get("text", "")),
            answer_json=json.dumps(answer),
        )
    )
    db.commit()
    return found


def delete_conversation(db: Session, user_id: int, conversation_id: int) -> bool:
    found = conversation(db, user_id, conversation_id)
    if found is None:
        return False
    db.execute(delete(Message).where(Message.conversation_id == found.id))
    db.delete(found)
    db.commit()
    return True

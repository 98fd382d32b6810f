"""Realistic fake values, consistent within one document.

One ``Surrogates`` object serves one document, so that:

- the same name always gets the same fake, part by part: "John Smith" -> "Paul Carter", then
  "Mr. Smith" -> "Mr. Carter", "J. Smith" -> "P. Carter", "Smith's" -> "Carter's";
  given names keep their sex where the census lists know it;
- every date moves by one offset, a whole number of weeks, so intervals and weekdays are kept
  ("admitted Monday 3/4, discharged 3/9" stays a five-day stay that began on a Monday), and
  each date keeps its format;
- numbers keep their layout (dashes, letters, length) with fresh digits and letters; phone
  numbers use the 555-01xx range kept for fiction, SSNs an area number (9xx) never issued,
  email and web addresses the reserved example domains, IP addresses the documentation ranges;
- a ZIP code keeps its first three digits where Safe Harbor allows it (``zip3``);
- ages over 89 become "90+", the single group Safe Harbor allows.

The seed is random unless given (tests give one), so a surrogate note cannot be re-run to find
which fake stands for which real value. Nothing here is written anywhere.
"""

from __future__ import annotations

import random
import re
import secrets
import string

from chartcode.redaction import dates
from chartcode.redaction.document import TITLES, WORD
from chartcode.redaction.entities import EntityType
from chartcode.redaction.gazetteers import gazetteers
from chartcode.redaction.locations import STATES
from chartcode.redaction.wordlists import table, word_list

# ZIP prefixes whose three-digit area held 20,000 people or fewer at the 2000 Census: Safe
# Harbor requires "000" for them (HHS guidance on 45 CFR 164.514(b)(2)(i)(B), 2012).
RESTRICTED_ZIP3 = word_list("restricted_zip3")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_STATE_NAMES = {v: k for k, v in STATES.items()}


def zip3(value: str) -> str:
    """The three digits of a ZIP code Safe Harbor lets a redacted note keep ("000" if none)."""
    prefix = value[:3]
    return "000" if prefix in RESTRICTED_ZIP3 else prefix


class Surrogates:
    """Fake values for one document; call ``value`` once per entity, in document order."""

    def __init__(self, seed: int | None = None) -> None:
        self.rng = random.Random(seed if seed is not None else secrets.randbits(64))
        weeks = self.rng.choice([w for w in range(-52, 53) if w])
        self.shift_days = 7 * weeks
        gaz = gazetteers()
        self._first = {
            sex: [n for n, s in gaz.ordered_first_names[:600] if s == sex] for sex in "FMU"
        }
        self._surnames = list(gaz.ordered_surnames[:800])
        self._sex = gaz.first_names
        self._is_first = gaz.is_first_name
        places = list(table("surrogate_places.tsv", ("kind", "value")))
        self._streets = [v for k, v in places if k == "street"]
        self._facilities = [v for k, v in places if k == "facility"]
        self._cities = [(n, a) for n, c, a in gaz.city_rows if c == "US" and a]
        self._heads = gaz.facility_heads
        self._words: dict[str, str] = {}
        self._letters: dict[str, str] = {}
        self._values: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()

    # -- names ------------------------------------------------------------------------------
    def learn_names(self, originals: list[str]) -> None:
        """Map every full name word first, so an initial follows its name ("J." -> "P.")."""
        for original in originals:
            self.name(original, initials=False)

    def _is_name_part(self, word: str) -> bool:
        low = word.lower()
        return len(word) > 1 and low not in TITLES and low not in _SUFFIXES

    def _word(self, word: str, role: str) -> str:
        key = _key(word)
        if key not in self._words:
            if role == "first":
                sex = self._sex.get(key, "U")
                pool = self._first[sex] + (self._first["U"] if sex != "U" else [])
                pool = pool or self._first["F"] + self._first["M"]
            else:
                pool = self._surnames
            self._words[key] = self._fresh(pool, key)
            first = key[0].upper()
            self._letters.setdefault(first, self._words[key][0].upper())
        return self._words[key]

    def _fresh(self, pool: list[str], avoid: str) -> str:
        for _ in range(50):
            pick = self.rng.choice(pool)
            if pick.lower() != avoid and pick not in self._used:
                self._used.add(pick)
                return pick
        return self.rng.choice(pool)

    def _letter(self, letter: str) -> str:
        up = letter.upper()
        if up not in self._letters:
            choices = [c for c in string.ascii_uppercase if c != up]
            self._letters[up] = self.rng.choice(choices)
        return self._letters[up]

    def name(self, original: str, initials: bool = True) -> str:
        """The fake of a name, word by word: titles and suffixes stay, initials follow."""
        parts = [m for m in WORD.finditer(original) if self._is_name_part(m.group())]
        last_first = bool(parts) and original[parts[0].end() :].lstrip().startswith(",")
        out, last = [], 0
        for m in WORD.finditer(original):
            w = m.group()
            out.append(original[last : m.start()])
            last = m.end()
            if len(w) == 1:
                out.append(self._letter(w) if initials else w)
                continue
            if not self._is_name_part(w):
                out.append(w)
                continue
            position = next(k for k, p in enumerate(parts) if p.start() == m.start())
            out.append(self._name_word(w, self._role(w, position, len(parts), last_first)))
        out.append(original[last:])
        return "".join(out)

    def _role(self, word: str, position: int, count: int, last_first: bool) -> str:
        """Whether a name word is a "first" or "last" name: by order, or the gazetteer if alone."""
        if count == 1:
            known = _key(word) in self._words
            return "first" if self._is_first(_key(word)) and not known else "last"
        if last_first:
            return "last" if position == 0 else "first"
        return "first" if position < count - 1 else "last"

    def _name_word(self, word: str, role: str) -> str:
        possessive = word[-2:] if word.lower().endswith(("'s", "’s")) else ""
        bare = word.removesuffix(possessive)
        # "Whitfield-Cole": each part keeps its own fake, so "Whitfield" alone matches.
        fake = "-".join(self._word(part, role) for part in bare.split("-"))
        return _same_case(fake, bare) + possessive

    # -- everything else --------------------------------------------------------------------
    def value(self, kind: EntityType, original: str, keep_zip3: bool = True) -> str:
        """The surrogate for one entity's text; the same original always gets the same fake."""
        if kind is EntityType.NAME:
            return self.name(original)
        if kind is EntityType.DATE:
            return dates.shift(original, self.shift_days) or "[DATE]"
        if kind is EntityType.AGE:
            return "90+"
        key = _value_key(kind, original)
        if key not in self._values:
            self._values[key] = self._make(kind, original, keep_zip3)
        fake = self._values[key]
        if kind in _PHONES:
            # One number written two ways ("(859) 555-0142", "859-555-0142") gets one fake,
            # each time in the layout it was written in.
            fake = _fill(original, re.sub(r"\D", "", fake))
        return fake

    def _make(self, kind: EntityType, original: str, keep_zip3: bool) -> str:
        rng = self.rng
        if kind in (EntityType.PHONE, EntityType.FAX):
            return self._phone(original)
        if kind is EntityType.SSN:
            return _fill(original, "9" + "".join(rng.choice(string.digits) for _ in range(8)))
        if kind is EntityType.EMAIL:
            first = rng.choice(self._first["F"] + self._first["M"]).lower()
            last = rng.choice(self._surnames).lower()
            return f"{first}.{last}@example.com"
        if kind is EntityType.URL:
            page = "".join(rng.choice(string.ascii_lowercase) for _ in range(6))
            scheme = "https://" if "://" in original else ""
            www = "www." if "www." in original.lower() else ""
            return f"{scheme}{www}example.org" + (
                f"/{page}" if "/" in original.split("//")[-1] else ""
            )
        if kind is EntityType.IP:
            return (
                f"2001:db8::{rng.randrange(1, 0xFFFF):x}"
                if ":" in original
                else (f"192.0.2.{rng.randrange(1, 255)}")
            )
        if kind is EntityType.ZIP:
            digits = re.sub(r"\D", "", original)
            head = zip3(digits) if keep_zip3 else ""
            fresh = head + "".join(
                rng.choice(string.digits) for _ in range(len(digits) - len(head))
            )
            return _fill(original, fresh)
        if kind is EntityType.CITY:
            return self._city(original)
        if kind is EntityType.ADDRESS:
            return self._address(original)
        if kind is EntityType.FACILITY:
            return self._facility(original)
        if kind is EntityType.LOCATION:
            place = rng.choice(self._facilities)
            return f"{place} County" if "County" in original else place
        if kind in (EntityType.BIOMETRIC, EntityType.PHOTO):
            return f"[{kind.value}]"
        return self._shape(original)

    def _phone(self, original: str) -> str:
        digits = re.sub(r"\D", "", original)
        rng = self.rng
        if len(digits) in (10, 11):
            area = f"{rng.randrange(2, 10)}{rng.randrange(0, 10)}{rng.randrange(2, 10)}"
            fresh = area + "555" + "01" + f"{rng.randrange(0, 100):02d}"
            fresh = ("1" if len(digits) == 11 else "") + fresh
        else:
            fresh = digits[0] + "".join(rng.choice(string.digits) for _ in digits[1:])
        return _fill(original, fresh)

    def _shape(self, original: str) -> str:
        """Same layout, fresh characters: "ST-998877" -> "KQ-310542"."""
        out = []
        for ch in original:
            if ch.isdigit():
                out.append(self.rng.choice(string.digits))
            elif ch.isalpha() and ch.isascii():
                letter = self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
                out.append(letter if ch.isupper() else letter.lower())
            else:
                out.append(ch)
        return "".join(out)

    def _city(self, original: str) -> str:
        """Another city of the same state when the state is written ("Rochester, MN")."""
        m = re.search(r",\s*([A-Za-z .]+)$", original)
        written = m.group(1).strip().rstrip(".") if m else ""
        state = _STATE_NAMES.get(written, written if written in STATES else "")
        city = original[: m.start()] if m else original
        choices = [n for n, a in self._cities if a == state and n != city] if state else []
        name = self.rng.choice(choices or [n for n, _ in self._cities[:300]])
        return f"{name}, {written}" if written else name

    def _address(self, original: str) -> str:
        rng = self.rng
        number = re.match(r"\d+", original)
        digits = len(number.group()) if number else 3
        house = str(rng.randrange(10 ** (digits - 1), 10**digits))
        suffix = re.search(r"\b(Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|"
                           r"Court|Ct|Place|Pl|Way)\b\.?", original)  # fmt: skip
        street = f"{house} {rng.choice(self._streets)} {suffix.group() if suffix else 'Street'}"
        if original.lower().startswith(("p.o", "po ", "post", "postbox")):
            street = f"P.O. Box {house}"
        tail = original[suffix.end() :] if suffix else ""
        if re.search(r",\s*[A-Z]", tail):
            return f"{street}, {self._city(tail.split(',', 1)[1].strip())}"
        return street

    def _facility(self, original: str) -> str:
        """Another name before the same head ("Lakeside Clinic" -> "Oakwood Clinic")."""
        place, _, rest = original.partition(",")
        place, _, city = place.partition(" in ")
        words = WORD.findall(place)
        head = "Medical Center"
        for k in range(len(words)):
            phrase = " ".join(words[k:])
            if phrase in self._heads:
                head = phrase
                break
        fake = f"{self.rng.choice(self._facilities)} {head}"
        rest = rest.strip()
        if city:  # "Mayo Clinic in Rochester, MN": another city of that state
            return f"{fake} in {self._city(f'{city}, {rest}' if rest else city)}"
        if not rest:
            return fake
        # ", California" stays (a state is not PHI); ", Springfield, IL" gets another city.
        if rest.rstrip(".") in STATES or rest in _STATE_NAMES:
            return f"{fake}, {rest}"
        return f"{fake}, {self._city(rest)}"


_PHONES = frozenset({EntityType.PHONE, EntityType.FAX})


def _value_key(kind: EntityType, original: str) -> tuple[str, str]:
    """Values that are the same number written differently share a surrogate."""
    if kind in _PHONES:
        return "phone", re.sub(r"\D", "", original)[-10:]
    if kind in (
        EntityType.SSN,
        EntityType.MRN,
        EntityType.HEALTH_PLAN,
        EntityType.ACCOUNT,
        EntityType.LICENSE,
        EntityType.ID,
        EntityType.DEVICE,
        EntityType.VEHICLE,
    ):
        return kind.value, re.sub(r"[\W_]", "", original).upper()
    return kind.value, original


def _key(word: str) -> str:
    return word.lower().replace("’", "'").removesuffix("'s")


def _same_case(fake: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return fake.upper()
    return fake


def _fill(template: str, digits: str) -> str:
    """``digits`` poured into the digit places of ``template``, other characters kept."""
    it = iter(digits)
    return "".join(next(it, "0") if ch.isdigit() else ch for ch in template)

"""The search language layer: abbreviations, spelling variants, lay terms and a light stemmer.

Contract: every loader reads one packaged TSV from ``lexicon/data`` (through
:func:`chartcode.lexicon.tsv.rows`, which checks the header) and caches the result for the life
of the process; nothing here touches the store or the network. Keys are lowercase so that
callers match case-insensitively; values keep the file's order, because the first row of an
ambiguous abbreviation is its most common sense. The data files are the project's own work,
written from clinical knowledge (issue 5).

``stem`` is deliberately light: it folds plurals and possessives so that "fractures" finds
"fracture", and leaves everything else alone, because in medical words the endings carry the
meaning (-itis, -osis, -emia, "displaced" against "displacement").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from chartcode.lexicon.tsv import LexiconDataError, exists, rows

ABBREVIATIONS_FILE = "abbreviations.tsv"
SPELLING_FILE = "spelling_variants.tsv"
LAY_TERMS_FILE = "lay_terms.tsv"

ABBREVIATION_HEADER = ("abbr", "expansion", "context")
SPELLING_HEADER = ("variant", "standard")
LAY_TERMS_HEADER = ("lay", "clinical")


@dataclass(frozen=True, slots=True)
class Sense:
    """One meaning of an abbreviation: ``context`` holds the cue words that favour it."""

    abbr: str
    expansion: str
    context: frozenset[str]


# Abbreviations that are also everyday English words ("all", "us", "or", "cap"). A search layer
# should expand these only when the user wrote them in capitals, or "all patients" becomes
# acute lymphoblastic leukemia. Every entry is checked against abbreviations.tsv by the tests.
WORD_LIKE_ABBREVIATIONS = frozenset(
    {
        "aids", "all", "as", "be", "boo", "cap", "cop", "cup", "dip", "dish", "doe", "gas",
        "goo", "he", "hi", "hit", "id", "lap", "mac", "net", "odd", "or", "pad", "pat", "peg",
        "pet", "pip", "pop", "pots", "sad", "sirs", "slap", "sob", "tab", "ten", "tips", "us",
        "vent",
    }
)  # fmt: skip


@cache
def abbreviations() -> dict[str, list[Sense]]:
    """Every abbreviation, keyed by its lowercase form, with its senses in file order.

    File order matters: the first row of an ambiguous abbreviation is its most common sense,
    which :func:`resolve` falls back to when the context gives no cue. Treat the result as
    read-only; it is shared by every caller.
    """
    table: dict[str, list[Sense]] = {}
    for line, (abbr, expansion, context) in rows(ABBREVIATIONS_FILE, ABBREVIATION_HEADER):
        if not abbr or not expansion:
            raise LexiconDataError(f"{ABBREVIATIONS_FILE} line {line}: abbr and expansion needed")
        sense = Sense(abbr, expansion.lower(), frozenset(context.lower().split()))
        table.setdefault(abbr.lower(), []).append(sense)
    return table


def is_word_like(abbr: str) -> bool:
    """True when ``abbr`` is also an ordinary English word (see ``WORD_LIKE_ABBREVIATIONS``)."""
    return abbr.strip().lower() in WORD_LIKE_ABBREVIATIONS


def resolve(abbr: str, context_words: Iterable[str] | str = ()) -> list[Sense]:
    """The senses of ``abbr``, best first, judged by the words around it.

    A sense scores one point per cue word of its ``context`` found among ``context_words``
    (compared after spelling normalisation and stemming, so "murmurs" cues "murmur"). Ties keep
    file order, so with no cue at all the most common sense comes first. ``context_words`` may be
    a list of words or a whole query string. An unknown abbreviation gives an empty list.
    """
    senses = abbreviations().get(abbr.strip().lower(), [])
    if len(senses) < 2:
        return list(senses)
    words = _match_forms(context_words)
    # sorted() is stable, so equal scores stay in file (commonness) order.
    return sorted(senses, key=lambda sense: -_cue_overlap(sense, words))


_TOKEN = re.compile(r"[^\W_]+(?:['’/-][^\W_]+)*")


def _match_forms(context_words: Iterable[str] | str) -> frozenset[str]:
    """Each word of the context in the form cues are compared in (hyphen parts included)."""
    texts = [context_words] if isinstance(context_words, str) else list(context_words)
    forms: set[str] = set()
    for text in texts:
        for token in _TOKEN.findall(text.lower()):
            for part in {token, *re.split(r"['’/-]", token)}:
                if part:
                    forms.add(_match_form(part))
    return frozenset(forms)


@lru_cache(maxsize=4096)
def _match_form(word: str) -> str:
    return stem(normalise_spelling(word))


def _cue_overlap(sense: Sense, words: frozenset[str]) -> int:
    return sum(1 for cue in sense.context if _match_form(cue) in words)


@cache
def spelling_variants() -> dict[str, str]:
    """British, alternative and misspelt forms (lowercase) mapped to the US/ICD-10-CM spelling."""
    table: dict[str, str] = {}
    for line, (variant, standard) in rows(SPELLING_FILE, SPELLING_HEADER):
        key = variant.lower()
        if not key or not standard or key in table:
            raise LexiconDataError(f"{SPELLING_FILE} line {line}: empty or repeated variant")
        table[key] = standard.lower()
    return table


def normalise_spelling(word: str) -> str:
    """The standard (US, ICD-10-CM) spelling of ``word``, lowercase; unknown words unchanged."""
    return spelling_variants().get(word.lower(), word)


@cache
def lay_terms() -> dict[str, list[str]]:
    """Lay phrases (lowercase, single-spaced) mapped to their clinical terms in file order.

    ``lay_terms.tsv`` may give several rows for one lay phrase ("heart attack" means myocardial
    infarction, sometimes cardiac arrest). While the file is not shipped yet this returns ``{}``.
    """
    if not exists(LAY_TERMS_FILE):
        return {}
    return collect_lay_terms(
        (lay, clinical) for _, (lay, clinical) in rows(LAY_TERMS_FILE, LAY_TERMS_HEADER)
    )


def collect_lay_terms(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group (lay, clinical) pairs by normalised lay phrase, dropping repeats and empty fields."""
    table: dict[str, list[str]] = {}
    for lay, clinical in pairs:
        key = " ".join(lay.lower().split())
        term = " ".join(clinical.split())
        if not key or not term:
            continue
        terms = table.setdefault(key, [])
        if term not in terms:
            terms.append(term)
    return table


# --- stemming -------------------------------------------------------------------------------

# Singular words that end like plurals, and words whose -s carries meaning; stem() returns them
# as they are. Most singular medical terms are already safe through _KEEP_ENDINGS (-ss, -us,
# -is covers -itis, -osis, -sis, -ous); these are the rest.
PROTECTED_WORDS = frozenset(
    {
        # diseases and findings that are singular nouns despite the -s
        "diabetes", "herpes", "rabies", "scabies", "caries", "measles", "mumps", "shingles",
        "hives", "rickets", "ascites", "tabes", "lues", "hydrops", "aids", "striae", "graves",
        # anatomy
        "pancreas", "meninges", "biceps", "triceps", "quadriceps", "glans", "pons", "lens",
        "dens", "deferens", "teres", "nates", "pubes", "menses", "feces", "faeces", "atlas",
        # organisms and Latin genitive epithets: stemming them would merge the organism with
        # the disease ("Streptococcus pneumoniae" is not "pneumonia").
        "pseudomonas", "trichomonas", "stenotrophomonas", "aeromonas", "influenzae",
        "pneumoniae", "agalactiae", "dysenteriae", "gonorrhoeae", "pyogenes", "chordae",
        # instruments and ordinary words that only look plural
        "forceps", "species", "series", "bias", "alias", "canvas", "whereas", "news", "does",
        "goes", "always", "perhaps", "sometimes",
    }
)  # fmt: skip

# Plurals no suffix rule can undo safely: Latin and Greek forms, and English irregulars.
IRREGULAR_PLURALS: dict[str, str] = {
    "axes": "axis",
    "crises": "crisis",
    "testes": "testis",
    "nares": "naris",
    "phalanges": "phalanx",
    "larynges": "larynx",
    "pharynges": "pharynx",
    "apices": "apex",
    "cervices": "cervix",
    "appendices": "appendix",
    "cortices": "cortex",
    "varices": "varix",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "calculi": "calculus",
    "bronchi": "bronchus",
    "emboli": "embolus",
    "thrombi": "thrombus",
    "fungi": "fungus",
    "bacilli": "bacillus",
    "nuclei": "nucleus",
    "nucleoli": "nucleolus",
    "alveoli": "alveolus",
    "glomeruli": "glomerulus",
    "villi": "villus",
    "nevi": "nevus",
    "naevi": "naevus",
    "foci": "focus",
    "loci": "locus",
    "stimuli": "stimulus",
    "menisci": "meniscus",
    "tophi": "tophus",
    "radii": "radius",
    "humeri": "humerus",
    "calcanei": "calcaneus",
    "fundi": "fundus",
    "uteri": "uterus",
    "bacteria": "bacterium",
    "diverticula": "diverticulum",
    "ova": "ovum",
    "ganglia": "ganglion",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "septa": "septum",
    "ilia": "ilium",
    "ischia": "ischium",
    "crura": "crus",
    "femora": "femur",
    "viscera": "viscus",
    "lumina": "lumen",
    "foramina": "foramen",
    "corpora": "corpus",
    "tibiae": "tibia",
    "fasciae": "fascia",
    "lentigines": "lentigo",
    "elastases": "elastase",
    "calories": "calorie",
    "niches": "niche",
    "calves": "calf",
    "halves": "half",
    "knives": "knife",
    "teeth": "tooth",
    "feet": "foot",
    "children": "child",
    "women": "woman",
    "men": "man",
    "lice": "louse",
    "mice": "mouse",
}

# A final -s after these is part of a singular word: abscess, lupus, calculus, sepsis, iris,
# pelvis, axis, and every -itis and -osis.
_KEEP_ENDINGS = ("ss", "us", "is")
_PROTECTED_SUFFIXES = ("monas",)
# Words ending in -oses that are plurals of -ose, not of -osis (overdoses, glucoses, purposes).
_OSE_PLURALS = ("doses", "ucoses", "ctoses", "troses", "uloses", "poses", "closes", "hoses")
_OSE_PLURAL_WORDS = frozenset({"noses", "roses", "loses", "chooses"})
# "-uses" is the plural of "-us" (sinuses, viruses, fetuses) except after these letters, where
# the singular ends in -use (causes, abuses, excuses, refuses, misuses, houses).
_USE_PLURAL_AFTER = frozenset("aeioubcfs")
# UTIs, MIs, PEs, CVAs: an abbreviation in capitals with a lowercase plural -s.
_ABBREVIATION_PLURAL = re.compile(r"^([A-Z][A-Z0-9]+)s$")
_MIN_STEM = 3


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A lowercase search key for ``word`` that folds plurals and possessives only.

    "fractures" -> "fracture", "injuries" -> "injury", "vertebrae" -> "vertebra", "metastases"
    -> "metastasis", "calculi" -> "calculus", "UTIs" -> "uti", "Crohn's" -> "crohn". Medical
    endings are never cut ("diabetes", "sepsis", "lupus", "meninges" stay), nor are -ed and -ing,
    which carry meaning ("displaced", "healing"). The result is a fixed point (``stem`` of it
    is itself) and is empty only for an empty ``word``.
    """
    match = _ABBREVIATION_PLURAL.match(word)
    current = match.group(1).lower() if match else word.lower()
    # Apply one rule at a time until none applies: a fixed point makes stem idempotent by
    # construction, and every rule shortens the word or maps it to a listed singular.
    while True:
        following = _stem_step(current)
        if following == current:
            return current
        current = following


def _stem_step(w: str) -> str:
    if w in PROTECTED_WORDS:
        return w
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    # Possessives, as in eponyms: Crohn's, Graves', Alzheimer’s.
    if len(w) > 2 and w.endswith(("'s", "’s")):
        return w[:-2]
    if len(w) > 2 and w.endswith(("s'", "s’")):
        return w[:-1]
    if len(w) <= _MIN_STEM or w.endswith(_PROTECTED_SUFFIXES):
        return w
    # Latin -ae plurals (vertebrae, fistulae, sequelae); -iae words are genitive epithets of
    # organisms (pneumoniae), so only the listed tibiae and fasciae are plurals.
    if w.endswith("ae") and not w.endswith("iae") and len(w) > 4:
        return w[:-1]
    if w.endswith("cocci"):
        return w[:-1] + "us"
    if w.endswith("mata") and len(w) > 6:  # carcinomata, condylomata
        return w[:-2]
    if w.endswith("itides"):  # arthritides
        return w[:-6] + "itis"
    if not w.endswith("s") or w.endswith(_KEEP_ENDINGS):
        return w
    return _strip_plural_s(w)


def _strip_plural_s(w: str) -> str:
    # Greek -sis plurals: diagnoses, stenoses, analyses, prostheses, metastases, bronchiectases.
    if w.endswith("oses") and w not in _OSE_PLURAL_WORDS and not w.endswith(_OSE_PLURALS):
        return w[:-2] + "is"
    if w.endswith(("yses", "theses", "stases", "ctases")):
        return w[:-2] + "is"
    if w.endswith("ies") and len(w) > 4:  # injuries, ovaries, arteries
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "zzes", "shes")):  # abscesses, reflexes, rashes
        return w[:-2]
    if w.endswith("ches") and not w.endswith("aches"):  # patches, stitches; but headaches
        return w[:-2]
    if w.endswith("uses") and len(w) > 5 and w[-5] not in _USE_PLURAL_AFTER:
        return w[:-2]  # sinuses, viruses, fetuses
    if len(w) - 1 >= _MIN_STEM:
        return w[:-1]
    return w


ADJECTIVES_FILE = "adjectives.tsv"


@cache
def adjective_nouns() -> dict[str, str]:
    """Anatomical adjectives and the noun the index files enter by ("esophageal" -> esophagus).

    Titles say "Malignant neoplasm of esophagus" and the Neoplasm table lists "esophagus";
    people write "esophageal cancer". An empty table while the file is not shipped.
    """
    if not exists(ADJECTIVES_FILE):
        return {}
    return {a.lower(): n.lower() for _, (a, n) in rows(ADJECTIVES_FILE, ("adjective", "noun"))}

"""Sex and age rules for ICD-10-CM diagnoses, as data, each with the basis that justifies it.

Why a table rather than text mining: the tabular prints no machine-readable sex or age flags.
Its chapter notes and block/category titles say it in words ("Diseases of male genital
organs", chapter 15's "for use only on maternal records", chapter 16's "for use on newborn
records only"). Each rule below names the tabular node whose title or note backs it, and the
checker shows that node's title from the release in force, so the evidence comes from the
official file. Age limits are the ones CMS's Medicare Code Editor (MCE) applies to the same
code groups; they are constants here so a team can align them with the MCE version its
payer runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MCE = "CMS Definitions of Medicare Code Edits (MCE), age conflict edit"


@dataclass(frozen=True, slots=True)
class SexRule:
    lo: str  # compact code prefixes, compared on their own length
    hi: str
    sex: str  # the only sex the codes apply to: F or M
    node: str  # the tabular node (chapter number, block or category) whose title backs it

    def matches(self, code: str) -> bool:
        return self.lo <= code[: len(self.lo)] and code[: len(self.hi)] <= self.hi


@dataclass(frozen=True, slots=True)
class AgeRule:
    rule_id: str
    lo: str
    hi: str
    min_age: int
    max_age: int
    node: str
    what: str  # plain words for the message
    rule: str  # the document that sets the ages

    def matches(self, code: str) -> bool:
        return self.lo <= code[: len(self.lo)] and code[: len(self.hi)] <= self.hi


# Female-only and male-only code groups: block or category titles that name female or male
# organs (or pregnancy, which chapter 15's notes restrict to maternal records).
SEX_RULES: tuple[SexRule, ...] = (
    SexRule("C51", "C58", "F", "C51-C58"),  # Malignant neoplasms of female genital organs
    SexRule("C60", "C63", "M", "C60-C63"),  # Malignant neoplasms of male genital organs
    SexRule("D06", "D06", "F", "D06"),  # Carcinoma in situ of cervix uteri
    SexRule("D070", "D073", "F", "D07"),  # in situ: endometrium, vulva, vagina, other female
    SexRule("D074", "D076", "M", "D07"),  # in situ: penis, prostate, other male
    SexRule("D25", "D28", "F", "D25"),  # uterus, ovary, other female genital organs
    SexRule("D29", "D29", "M", "D29"),  # Benign neoplasm of male genital organs
    SexRule("D39", "D39", "F", "D39"),  # uncertain behavior of female genital organs
    SexRule("D40", "D40", "M", "D40"),  # uncertain behavior of male genital organs
    SexRule("E28", "E28", "F", "E28"),  # Ovarian dysfunction
    SexRule("E29", "E29", "M", "E29"),  # Testicular dysfunction
    SexRule("N40", "N53", "M", "N40-N53"),  # Diseases of male genital organs
    SexRule("N70", "N77", "F", "N70-N77"),  # Inflammatory diseases of female pelvic organs
    SexRule("N80", "N98", "F", "N80-N98"),  # Noninflammatory disorders of female genital tract
    SexRule("O00", "O9A", "F", "15"),  # Pregnancy, childbirth and the puerperium
    SexRule("Q50", "Q52", "F", "Q50"),  # ovaries, uterus, female genitalia
    SexRule("Q53", "Q55", "M", "Q53"),  # testicle, hypospadias, male genital organs
    SexRule("R86", "R86", "M", "R86"),  # findings in specimens from male genital organs
    SexRule("R87", "R87", "F", "R87"),  # findings in specimens from female genital organs
    SexRule("Z33", "Z34", "F", "Z33"),  # Pregnant state; supervision of normal pregnancy
    SexRule("Z36", "Z37", "F", "Z37"),  # antenatal screening; outcome of delivery
    SexRule("Z39", "Z39", "F", "Z39"),  # postpartum care and examination
    SexRule("Z3A", "Z3A", "F", "Z3A"),  # Weeks of gestation
)

MATERNITY_AGE = (12, 55)
NEWBORN_AGE = (0, 0)

AGE_RULES: tuple[AgeRule, ...] = (
    AgeRule("DX-AGE-MATERNITY", "O00", "O9A", *MATERNITY_AGE, "15",
            "a pregnancy, childbirth or puerperium code", f"{MCE}, maternity diagnoses"),
    AgeRule("DX-AGE-MATERNITY", "Z33", "Z34", *MATERNITY_AGE, "Z33",
            "a pregnancy code", f"{MCE}, maternity diagnoses"),
    AgeRule("DX-AGE-MATERNITY", "Z3A", "Z3A", *MATERNITY_AGE, "Z3A",
            "a weeks-of-gestation code", f"{MCE}, maternity diagnoses"),
    AgeRule("DX-AGE-NEWBORN", "P00", "P96", *NEWBORN_AGE, "16",
            "a perinatal (newborn) code", f"{MCE}, perinatal/newborn diagnoses"),
    AgeRule("DX-AGE-NEWBORN", "Z38", "Z38", *NEWBORN_AGE, "Z38",
            "a liveborn infant code", f"{MCE}, perinatal/newborn diagnoses"),
)  # fmt: skip


@lru_cache(maxsize=1 << 16)
def sex_rule(code: str) -> SexRule | None:
    for rule in SEX_RULES:
        if rule.matches(code):
            return rule
    return None


@lru_cache(maxsize=1 << 16)
def age_rule(code: str) -> AgeRule | None:
    for rule in AGE_RULES:
        if rule.matches(code):
            return rule
    return None

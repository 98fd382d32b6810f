"""Email addresses, URLs and IP addresses."""

import pytest

from tests.redaction.helpers import found


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("(Email: sarah.p@medsite.com)?", "EMAIL", "sarah.p@medsite.com"),
        ("write to john_doe@example.org.", "EMAIL", "john_doe@example.org"),
        (
            "portal https://portal.mercyridge.org/chart/00482913.",
            "URL",
            "https://portal.mercyridge.org/chart/00482913",
        ),
        ("see www.example-clinic.com for hours", "URL", "www.example-clinic.com"),
        ("results at labportal.health/r/88", "URL", "labportal.health/r/88"),
        ("from 10.42.7.19 at night", "IP", "10.42.7.19"),
        ("host 2001:db8:85a3::8a2e:370:7334 logged", "IP", "2001:db8:85a3::8a2e:370:7334"),
    ],
)
def test_web_identifiers(text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "e.g. the usual dose; i.e. twice daily.",
        "Ref. no. 3 in the guideline.",
        "Version 1.2.3 of the form.",
        "Started at 12:30:45 and ended 13:05.",
        "Give 2.5 mg, then 5.0 mg.",
        "IP joint swelling; 999.999.999.999 is not an address.",
    ],
)
def test_not_web_identifiers(text):
    assert found(text) == []

"""Combining detectors: overlaps merge to their union, typed by the strongest part."""

from chartcode.redaction.engine import find_phi, merge
from chartcode.redaction.entities import SAFE_HARBOR, Entity, EntityType


def test_merge_takes_the_union_and_the_strongest_type():
    a = Entity(EntityType.ADDRESS, 0, 10, 0.95, "a")
    b = Entity(EntityType.CITY, 8, 20, 0.9, "b")
    c = Entity(EntityType.DATE, 25, 30, 0.95, "c")
    assert merge([c, b, a]) == [Entity(EntityType.ADDRESS, 0, 20, 0.95, "a"), c]


def test_entities_are_sorted_and_disjoint():
    text = "John Smith (MRN 4455667), 123 Main St, Boston, MA 02114, seen 3/4/2024."
    entities = find_phi(text)
    assert entities == sorted(entities, key=lambda e: e.start)
    assert all(a.end <= b.start for a, b in zip(entities, entities[1:], strict=False))


def test_every_type_names_its_safe_harbor_identifier():
    assert set(SAFE_HARBOR) == set(EntityType)
    letters = {EntityType(t).safe_harbor[:3] for t in EntityType}
    assert len(letters) == 18  # (A) to (R): all 18 identifiers are covered


def test_entity_carries_no_text():
    e = find_phi("Call John Smith at 555-123-4567.")[0]
    assert set(e.to_dict()) == {"type", "start", "end", "score", "rule_id"}
    assert "John" not in repr(e)


def test_empty_and_plain_text():
    assert find_phi("") == []
    assert find_phi("No identifiers in this sentence about asthma.") == []

"""Readable titles for ICD-10-PCS codes, composed from the table labels of their axes.

CMS publishes long titles only in the order file, which is not among the files chartcode
reads; the composed title follows the same pattern ("Fusion of Lumbosacral Joint with
Interbody Fusion Device, Anterior Approach, Anterior Column, Open Approach") and is always
shown as composed from the tables.
"""

from __future__ import annotations

_EMPTY = {"No Device", "No Qualifier", "None", "No Substance", "No Equipment", "No Method"}


def compose_title(
    operation: str, part: str, approach: str, device: str, qualifier: str, *, section: str = "0"
) -> str:
    """Title for one code; ``section`` "0" (Medical and Surgical) uses the CMS wording."""
    if section == "0":
        title = f"{operation} of {part}"
        if device not in _EMPTY:
            title += f" with {device}"
        if qualifier not in _EMPTY:
            title += f", {qualifier}"
        return f"{title}, {approach} Approach"
    parts = [f"{operation} of {part}" if part not in _EMPTY else operation]
    parts += [v for v in (approach, device, qualifier) if v not in _EMPTY]
    return ", ".join(parts)

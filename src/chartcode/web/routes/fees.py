"""The fee calculator: Medicare PFS payment of a code by locality or ZIP, setting, modifiers.

The JSON is ``chartcode fee --json``'s object (amounts as decimal strings, each component with
its source file and line).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from chartcode.web.context import ctx, current_user, render
from chartcode.web.csrf import verify_csrf
from chartcode.web.routes.search import DateOfService

router = APIRouter(dependencies=[Depends(verify_csrf), Depends(current_user)])
api = APIRouter(tags=["fees"])

Setting = Literal["facility", "nonfacility"]
Modifiers = Annotated[list[str] | None, Query(max_length=6)]
Locality = Annotated[str | None, Query(max_length=16, description="MAC + locality, e.g. 0111205")]
Zip = Annotated[str | None, Query(alias="zip", pattern=r"^\d{5}$")]


def _fee(
    request: Request,
    code: str,
    modifier: list[str],
    locality: str | None,
    zip5: str | None,
    setting: str | None,
    qpp: bool,
    date: str | None,
) -> dict[str, Any]:
    result = ctx(request).call(
        lambda d: d.fee(
            code,
            on=date,
            modifiers=[m for m in modifier if m.strip()],
            locality=locality or None,
            zip5=zip5 or None,
            setting=setting,
            qpp=qpp,
        )
    )
    return result.to_dict()


@router.get("/fee", response_class=HTMLResponse, name="fee")
def fee_page(
    request: Request,
    code: Annotated[str, Query(max_length=16)] = "",
    modifier: Modifiers = None,
    locality: Locality = None,
    zip5: Annotated[str | None, Query(alias="zip", max_length=5)] = None,
    setting: Setting | Literal[""] = "",
    qpp: bool = False,
    date: DateOfService = None,
) -> Response:
    modifier = modifier or []
    form = {
        "code": code,
        "modifier": " ".join(modifier),
        "locality": locality or "",
        "zip": zip5 or "",
        "setting": setting,
        "qpp": qpp,
    }
    mods = [m for part in modifier for m in part.replace(",", " ").split()]
    fee = _fee(request, code, mods, locality, zip5, setting or None, qpp, date) if code else None
    return render(request, "fees/fee.html", {"form": form, "fee": fee})


@api.get("/fees/{code}", name="api_fee")
def fee_json(
    request: Request,
    code: str,
    modifier: Modifiers = None,
    locality: Locality = None,
    zip5: Zip = None,
    setting: Setting | None = None,
    qpp: bool = False,
    date: DateOfService = None,
) -> dict[str, Any]:
    """Medicare payment of a CPT/HCPCS code (national without locality or ZIP)."""
    return _fee(request, code, modifier or [], locality, zip5, setting, qpp, date)

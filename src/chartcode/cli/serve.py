"""``chartcode serve``: the web app (code pages, search, builder, fees, redaction, accounts).

Contract: load the embedded ICD-10-CM on a fresh install (as every command does), bring the
user database's schema up to date once, then hand over to uvicorn with the app factory
``chartcode.web.app:app_from_env``. Each worker builds its own app from the same environment;
the options here become ``CHARTCODE_*`` variables so that the workers see them. The web
packages are imported only when the command runs.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from chartcode.cli.options import StoreOpt


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="User database URL (default: SQLite in $CHARTCODE_HOME; postgresql://... works).",
            envvar="CHARTCODE_DATABASE_URL",
        ),
    ] = None,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            help="Trust X-Forwarded-Proto/For from a TLS proxy in front (secure cookies)."
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Run the web app: code pages, instant search, accounts and the JSON API (/api/docs)."""
    import uvicorn

    from chartcode.cli.main import _desk, err
    from chartcode.web.settings import Settings
    from chartcode.web.userdb.database import migrate, open_database

    desk = _desk(store, None, quiet=False)
    os.environ["CHARTCODE_STORE"] = str(desk.store_path)
    desk.close()
    if database_url:
        os.environ["CHARTCODE_DATABASE_URL"] = database_url
    settings = Settings.from_env().resolved()
    engine, _ = open_database(settings.database_url)
    migrate(engine)
    engine.dispose()
    # Workers start with the schema in place and the same signing key.
    os.environ["CHARTCODE_WEB_MIGRATED"] = "1"
    os.environ["CHARTCODE_SECRET_KEY"] = settings.secret_key
    err.print(f"chartcode web app on http://{host}:{port}/ (API docs: /api/docs)")
    uvicorn.run(
        "chartcode.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="*" if proxy_headers else None,
        log_level="info",
        access_log=False,
    )

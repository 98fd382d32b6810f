"""The web app: server-rendered pages and a JSON API over ``chartcode.api.Chartcode``.

``create_app(settings)`` in ``web/app.py`` builds it; ``chartcode serve`` runs it with uvicorn.
Routes hold no coding logic: each calls one API method and renders the result as HTML or JSON.
"""

"""One module per capability: ``router`` for its pages, ``api`` for its JSON (see ``web/app``)."""

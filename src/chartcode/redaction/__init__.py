"""PHI redaction: the 18 HIPAA Safe Harbor identifiers found and replaced in clinical text.

The clinical words a coder needs are kept; what was found is replaced with tags, masks or
consistent surrogates.

Layout: one detector module per family of identifiers (``names``, ``dates``, ``ages``,
``numbers``, ``locations``, ``facilities``, ``web``, ``biometrics``), each reading one
``document`` (the text split into words once); the lists they read (``gazetteers``,
``vocabulary``, ``wordlists``, packaged in ``data/``); ``engine`` to run and combine them; and
the outputs (``styles``, ``surrogates``, ``manifest``, ``reversible``). Nothing here opens the
reference store or prints; ``chartcode.services.redact`` is the entry point the CLI, web and
API call.
"""

"""Learning from a team's own coded cases: a local model layered over the dictionary pipeline.

``train`` reads nothing and prints nothing: it takes texts and codes already read (see
``sources/training_cases.py``) and returns a ``LearnedModel``; ``store/learned_models.py``
keeps models on disk; ``apply`` merges a model's suggestions with the dictionary's.
"""

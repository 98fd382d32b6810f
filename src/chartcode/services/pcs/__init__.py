"""Parts of the ICD-10-PCS builder (``services/pcs_builder.py``): text, words, cues, state."""

-- The ICD-10-CM and ICD-10-PCS Official Guidelines for Coding and Reporting, one row per
-- numbered section (its own text only), with the pages it spans in the official PDF.
CREATE TABLE guideline_section (
    release_id  INTEGER NOT NULL REFERENCES release (id),
    seq         INTEGER NOT NULL,
    number      TEXT NOT NULL,
    title       TEXT NOT NULL,
    level       INTEGER NOT NULL,
    parent      TEXT,
    page_start  INTEGER NOT NULL,
    page_end    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (release_id, seq)
);
CREATE INDEX guideline_section_number ON guideline_section (release_id, number);

CREATE VIRTUAL TABLE guideline_fts USING fts5 (
    release_id UNINDEXED,
    seq UNINDEXED,
    number,
    title,
    text,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Reference store, schema 1. Every content row belongs to a release; the store is rebuilt
-- into a new file and swapped in, so nothing here is ever edited in place by a reader.

CREATE TABLE release (
    id              INTEGER PRIMARY KEY,
    system          TEXT NOT NULL,          -- icd10cm | icd10pcs | cpt | hcpcs
    kind            TEXT NOT NULL,          -- file family: tabular, index, neoplasm, drug, eindex, tables, definitions
    version         TEXT NOT NULL,          -- e.g. 2026, 2026-04
    title           TEXT NOT NULL,
    effective_from  TEXT NOT NULL,          -- ISO date, inclusive
    effective_to    TEXT,                   -- ISO date, inclusive; NULL when open-ended
    source_name     TEXT NOT NULL,          -- file name as given (zip member after '!')
    sha256          TEXT NOT NULL,          -- of the file as read (the zip when given a zip)
    imported_at     TEXT NOT NULL,          -- ISO timestamp, UTC
    row_count       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (system, kind, version)
);

-- ICD-10-CM tabular: chapters, blocks (CDC "sections"), categories, subcategories, codes,
-- and the 7th-character codes the tabular implies but does not list.
CREATE TABLE cm_node (
    release_id  INTEGER NOT NULL REFERENCES release(id),
    code        TEXT NOT NULL,      -- compact: chapter number, block id (A00-A09), or code without dot
    kind        TEXT NOT NULL,      -- chapter | block | category | subcategory | code | extension
    title       TEXT NOT NULL,
    parent      TEXT,               -- compact code of the parent node
    depth       INTEGER NOT NULL,   -- 0 chapter, 1 block, 2 category, ...
    billable    INTEGER NOT NULL,   -- 1 when valid for a claim as it stands
    seq         INTEGER NOT NULL,   -- document order, for children and neighbours
    PRIMARY KEY (release_id, code)
) WITHOUT ROWID;
CREATE INDEX cm_node_parent ON cm_node (release_id, parent, seq);
CREATE INDEX cm_node_code ON cm_node (code);

-- Instructional notes at the node where the tabular prints them.
CREATE TABLE cm_note (
    release_id  INTEGER NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,      -- inclusion_term | includes | excludes1 | excludes2 | code_first | use_additional | code_also | note | seventh_char_note
    seq         INTEGER NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX cm_note_code ON cm_note (release_id, code);

-- 7th-character definitions (sevenChrDef) at the node that declares them.
CREATE TABLE cm_seventh (
    release_id  INTEGER NOT NULL,
    code        TEXT NOT NULL,
    char        TEXT NOT NULL,
    meaning     TEXT NOT NULL,
    PRIMARY KEY (release_id, code, char)
) WITHOUT ROWID;

-- Index schema shared by the ICD-10-CM Alphabetic Index, Neoplasm and Drug tables, External
-- Cause index, and the ICD-10-PCS index. A term's parent is the term it is nested under.
CREATE TABLE index_term (
    release_id  INTEGER NOT NULL,
    id          INTEGER NOT NULL,
    parent_id   INTEGER,
    level       INTEGER NOT NULL,   -- 0 main term, 1.. nested
    letter      TEXT,
    title       TEXT NOT NULL,      -- without nonessential modifiers
    nemod       TEXT,               -- nonessential modifiers, as printed in parentheses
    path        TEXT NOT NULL,      -- main term and every level down, joined with ', '
    code        TEXT,               -- code, code prefix or table pointer the term leads to
    code_kind   TEXT,               -- code | codes | tab | manif | seecat | subcat
    manif       TEXT,               -- manifestation code printed in brackets
    see         TEXT,
    see_also    TEXT,
    use_term    TEXT,               -- PCS "use" pointer to an axis value
    code_key    TEXT,               -- code compacted (no dot, no trailing dash) for joins
    PRIMARY KEY (release_id, id)
) WITHOUT ROWID;
CREATE INDEX index_term_parent ON index_term (release_id, parent_id);
CREATE INDEX index_term_code ON index_term (code_key);

-- Table cells of the Neoplasm and Drug tables, with the column heading they sit under.
CREATE TABLE index_cell (
    release_id  INTEGER NOT NULL,
    term_id     INTEGER NOT NULL,
    col         INTEGER NOT NULL,
    heading     TEXT NOT NULL,
    code        TEXT NOT NULL,      -- as printed, e.g. C79.8- or T51.3X1
    code_key    TEXT NOT NULL,
    PRIMARY KEY (release_id, term_id, col)
) WITHOUT ROWID;
CREATE INDEX index_cell_code ON index_cell (code_key);

-- ICD-10-PCS tables: the first three characters fix a table; each row lists axis values 4-7.
CREATE TABLE pcs_table (
    release_id  INTEGER NOT NULL,
    prefix      TEXT NOT NULL,      -- three characters
    section     TEXT NOT NULL,
    body_system TEXT NOT NULL,
    operation   TEXT NOT NULL,
    definition  TEXT,               -- operation definition as printed on the table
    seq         INTEGER NOT NULL,
    PRIMARY KEY (release_id, prefix)
) WITHOUT ROWID;

CREATE TABLE pcs_axis_value (
    release_id  INTEGER NOT NULL,
    prefix      TEXT NOT NULL,
    row_no      INTEGER NOT NULL,   -- 0 for the table's own axes 1-3
    pos         INTEGER NOT NULL,   -- 1..7
    axis_title  TEXT NOT NULL,      -- Body Part, Approach, Device, Qualifier, ...
    value       TEXT NOT NULL,
    label       TEXT NOT NULL,
    PRIMARY KEY (release_id, prefix, row_no, pos, value)
) WITHOUT ROWID;

-- Every valid code the tables produce, kept expanded so validity is one key look-up.
CREATE TABLE pcs_code (
    release_id  INTEGER NOT NULL,
    code        TEXT NOT NULL,
    row_no      INTEGER NOT NULL,
    title       TEXT NOT NULL,      -- composed from the axis labels (see store/pcs_titles.py)
    PRIMARY KEY (release_id, code)
) WITHOUT ROWID;
CREATE INDEX pcs_code_code ON pcs_code (code);

-- ICD-10-PCS definitions: axis value definitions, body part key, device key, substance key.
CREATE TABLE pcs_definition (
    release_id  INTEGER NOT NULL,
    section     TEXT NOT NULL,      -- section character
    pos         INTEGER NOT NULL,
    axis_title  TEXT NOT NULL,
    term        TEXT NOT NULL,      -- the axis value title it defines (a key entry may name several)
    definition  TEXT,
    explanation TEXT,
    includes    TEXT                -- JSON list of included terms (body part / device / substance key)
);
CREATE INDEX pcs_definition_term ON pcs_definition (release_id, section, pos, term);

CREATE TABLE pcs_device_aggregate (
    release_id  INTEGER NOT NULL,
    device      TEXT NOT NULL,
    operation   TEXT NOT NULL,
    body_systems TEXT NOT NULL,     -- JSON list
    parent_value TEXT NOT NULL,
    parent_label TEXT NOT NULL
);

-- Words to search, one row per code and release; rebuilt by the loader.
CREATE VIRTUAL TABLE code_fts USING fts5 (
    system UNINDEXED,
    code UNINDEXED,
    release_id UNINDEXED,
    title,
    extra,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE schema_migration (
    name        TEXT PRIMARY KEY,
    applied_at  TEXT NOT NULL
);

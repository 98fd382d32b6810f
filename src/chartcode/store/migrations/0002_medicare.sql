-- Reference store, schema 2: the Medicare layer (HCPCS, CPT descriptors, PFS, NCCI).
-- Key columns are the ones services query on; ``detail`` holds the whole parsed record as
-- JSON (numbers as text, to keep Decimal precision) so every published field is kept.

CREATE TABLE release_notice (
    release_id  INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    text        TEXT NOT NULL       -- copyright and use notices printed in the file (AMA, ADA)
);
CREATE INDEX release_notice_release ON release_notice (release_id);

CREATE TABLE hcpcs_item (
    release_id  INTEGER NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,      -- code | modifier
    long_description  TEXT NOT NULL,
    short_description TEXT NOT NULL,
    action_code TEXT,
    termination_date TEXT,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL,
    PRIMARY KEY (release_id, kind, code)
) WITHOUT ROWID;
CREATE INDEX hcpcs_item_code ON hcpcs_item (code);

CREATE TABLE cpt_descriptor (
    release_id  INTEGER NOT NULL,
    code        TEXT NOT NULL,
    descriptor  TEXT NOT NULL,
    line        INTEGER NOT NULL,
    PRIMARY KEY (release_id, code)
) WITHOUT ROWID;

CREATE TABLE pfs_rvu (
    release_id  INTEGER NOT NULL,
    hcpcs       TEXT NOT NULL,
    modifier    TEXT NOT NULL,      -- '' when none
    status      TEXT NOT NULL,
    description TEXT NOT NULL,      -- CMS short descriptor, as published
    global_days TEXT,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL,
    PRIMARY KEY (release_id, hcpcs, modifier)
) WITHOUT ROWID;
CREATE INDEX pfs_rvu_code ON pfs_rvu (hcpcs);

CREATE TABLE pfs_gpci (
    release_id  INTEGER NOT NULL,
    mac         TEXT NOT NULL,
    locality    TEXT NOT NULL,
    state       TEXT,
    locality_name TEXT,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL,
    PRIMARY KEY (release_id, mac, locality)
) WITHOUT ROWID;

CREATE TABLE pfs_locality (
    release_id  INTEGER NOT NULL,
    mac         TEXT NOT NULL,
    locality    TEXT NOT NULL,
    state       TEXT,
    fee_schedule_area TEXT,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX pfs_locality_key ON pfs_locality (release_id, mac, locality);

CREATE TABLE pfs_zip (
    release_id  INTEGER NOT NULL,
    zip5        TEXT NOT NULL,
    state       TEXT,
    carrier     TEXT NOT NULL,
    locality    TEXT NOT NULL,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX pfs_zip_key ON pfs_zip (release_id, zip5);

CREATE TABLE pfs_anesthesia (
    release_id  INTEGER NOT NULL,
    contractor  TEXT NOT NULL,
    locality    TEXT NOT NULL,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX pfs_anesthesia_key ON pfs_anesthesia (release_id, contractor, locality);

CREATE TABLE opps_cap (
    release_id  INTEGER NOT NULL,
    hcpcs       TEXT NOT NULL,
    modifier    TEXT NOT NULL,
    carrier     TEXT NOT NULL,
    locality    TEXT NOT NULL,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX opps_cap_key ON opps_cap (release_id, hcpcs, carrier, locality);

CREATE TABLE ncci_ptp (
    release_id  INTEGER NOT NULL,
    column1     TEXT NOT NULL,
    column2     TEXT NOT NULL,
    effective   TEXT NOT NULL,
    deletion    TEXT,
    modifier_indicator TEXT NOT NULL,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX ncci_ptp_c1 ON ncci_ptp (release_id, column1);
CREATE INDEX ncci_ptp_c2 ON ncci_ptp (release_id, column2);

CREATE TABLE ncci_mue (
    release_id  INTEGER NOT NULL,
    code        TEXT NOT NULL,
    value       INTEGER NOT NULL,
    adjudication_indicator INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX ncci_mue_code ON ncci_mue (release_id, code);

CREATE TABLE ncci_aoc (
    release_id  INTEGER NOT NULL,
    edit_type   INTEGER NOT NULL,
    addon_code  TEXT NOT NULL,
    primary_code TEXT NOT NULL,
    effective   TEXT,
    deletion    TEXT,
    line        INTEGER NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX ncci_aoc_addon ON ncci_aoc (release_id, addon_code);
CREATE INDEX ncci_aoc_primary ON ncci_aoc (release_id, primary_code);

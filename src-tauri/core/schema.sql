-- The schema of a Rampart workspace at version 24 (what the migrations in
-- src/store/ make; checked by store::tests, rewritten with BLESS=1).

CREATE TABLE acceptance_revocations (
    acceptance_id INTEGER PRIMARY KEY REFERENCES acceptances(id),
    at            INTEGER NOT NULL,
    by            TEXT    NOT NULL,
    reason        TEXT    NOT NULL
) STRICT;

CREATE TRIGGER acceptance_revocations_no_delete BEFORE DELETE ON acceptance_revocations
BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;

CREATE TRIGGER acceptance_revocations_no_update BEFORE UPDATE ON acceptance_revocations
BEGIN SELECT RAISE(ABORT, 'revocations are append-only'); END;

CREATE TABLE acceptances (
    id         INTEGER PRIMARY KEY,
    scope      TEXT    NOT NULL CHECK (scope IN ('finding', 'control', 'requirement')),
    target     TEXT    NOT NULL,   -- the finding id, the control id, or framework:requirement
    accounts   TEXT    NOT NULL,   -- JSON array of account ids; empty = every account
    resources  TEXT    NOT NULL,   -- JSON array of resource ids; empty = every resource
    reason     TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    approver   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,   -- ms since epoch
    expires_at INTEGER NOT NULL    -- ms since epoch: valid while created_at <= t < expires_at
, renews INTEGER REFERENCES acceptances(id)) STRICT;

CREATE INDEX acceptances_expiry ON acceptances(expires_at);

CREATE INDEX acceptances_renews ON acceptances(renews) WHERE renews IS NOT NULL;

CREATE TRIGGER acceptances_no_delete BEFORE DELETE ON acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only: revoke instead'); END;

CREATE TRIGGER acceptances_no_update BEFORE UPDATE ON acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only: revoke and accept again'); END;

CREATE TABLE accounts (
    account_id  TEXT PRIMARY KEY,
    name        TEXT,
    -- 'organizations' (ListAccounts) or 'findings' (AwsAccountName, cloud.account.name)
    name_source TEXT CHECK (name_source IN ('organizations', 'findings')),
    ou_id       TEXT REFERENCES org_units(id),   -- the OU (or root) it sits in
    listed_at   INTEGER                          -- when Organizations last listed it (ms)
) STRICT;

CREATE INDEX accounts_ou ON accounts(ou_id);

CREATE TABLE attestations (
    id              INTEGER PRIMARY KEY,
    framework       TEXT    NOT NULL,
    requirement     TEXT    NOT NULL,
    attested_by     TEXT    NOT NULL,
    statement       TEXT    NOT NULL,
    attested_at     INTEGER NOT NULL,   -- ms since epoch
    expires_at      INTEGER,            -- ms since epoch; NULL = does not expire
    evidence_name   TEXT,               -- file name of the supporting evidence, if any
    evidence_sha256 TEXT                -- its SHA-256 (hex); the file itself is not stored
) STRICT;

CREATE INDEX attestations_requirement ON attestations(framework, requirement, attested_at);

CREATE TRIGGER attestations_no_delete BEFORE DELETE ON attestations
BEGIN SELECT RAISE(ABORT, 'attestations are append-only'); END;

CREATE TRIGGER attestations_no_update BEFORE UPDATE ON attestations
BEGIN SELECT RAISE(ABORT, 'attestations are append-only'); END;

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,   -- ms since epoch
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,   -- acceptance.create | acceptance.revoke | attestation.create | setting.change | owner.assign
    subject   TEXT    NOT NULL,   -- what it is about, e.g. acceptance:3 or setting:sla_days
    details   TEXT    NOT NULL,   -- JSON: the record as written
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE control_definitions (
    id              TEXT    PRIMARY KEY,   -- SecurityControlId, as AWS spells it
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    severity        TEXT    NOT NULL,      -- SeverityRating: CRITICAL, HIGH, MEDIUM, LOW
    remediation_url TEXT,
    seen_at         INTEGER NOT NULL       -- ms: the sync that last listed it
) STRICT;

CREATE TABLE finding_history (
    seq             INTEGER PRIMARY KEY,
    fid             INTEGER NOT NULL REFERENCES findings(fid),
    at              INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    record_state    TEXT    NOT NULL,
    workflow_status TEXT,
    severity        TEXT    NOT NULL,
    import_id       INTEGER REFERENCES imports(id),
    recorded_at     INTEGER NOT NULL
, flags INTEGER NOT NULL DEFAULT 0) STRICT;

CREATE INDEX finding_history_fid_at ON finding_history(fid, at);

CREATE INDEX finding_history_window ON finding_history(at, fid, flags);

CREATE TRIGGER finding_history_no_delete BEFORE DELETE ON finding_history
BEGIN SELECT RAISE(ABORT, 'finding_history is append-only'); END;

CREATE TRIGGER finding_history_no_update
BEFORE UPDATE OF seq, fid, at, status, record_state, workflow_status, severity, import_id, recorded_at
ON finding_history
BEGIN SELECT RAISE(ABORT, 'finding_history is append-only'); END;

CREATE TABLE "finding_raw" (
    fid    INTEGER NOT NULL REFERENCES findings(fid),
    format TEXT    NOT NULL,
    raw    BLOB    NOT NULL,   -- the source's JSON for the latest version in this format, zstd
    PRIMARY KEY (fid, format)
) STRICT;

CREATE TABLE finding_requirements (
    fid         INTEGER NOT NULL REFERENCES findings(fid),
    framework   TEXT    NOT NULL,
    requirement TEXT    NOT NULL,
    rule_kind   TEXT    NOT NULL,   -- control | config_rule | inspector_type | type_prefix | product
    rule_value  TEXT    NOT NULL,
    via         TEXT,               -- the point of this requirement that matched, if inherited
    PRIMARY KEY (framework, requirement, fid)
) STRICT, WITHOUT ROWID;

CREATE INDEX finding_requirements_by_reference ON finding_requirements(fid) WHERE rule_kind = 'reference';

CREATE INDEX finding_requirements_fid ON finding_requirements(fid);

CREATE TABLE finding_resources (
    fid         INTEGER NOT NULL REFERENCES findings(fid),
    ord         INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    resource_id TEXT    NOT NULL,
    region      TEXT,
    tags        TEXT    NOT NULL,  -- JSON array of [key, value] pairs
    PRIMARY KEY (fid, ord)
) STRICT, WITHOUT ROWID;

CREATE INDEX finding_resources_id ON finding_resources(resource_id);

CREATE TABLE finding_vulnerabilities (
    fid               INTEGER NOT NULL REFERENCES findings(fid),
    ord               INTEGER NOT NULL,
    vuln_id           TEXT    NOT NULL,
    package           TEXT,
    installed_version TEXT,
    fixed_version     TEXT,
    cvss              REAL,
    fix_available     INTEGER,
    exploit_available INTEGER,
    PRIMARY KEY (fid, ord)
) STRICT, WITHOUT ROWID;

CREATE INDEX finding_vulnerabilities_id ON finding_vulnerabilities(vuln_id);

CREATE TABLE "findings" (
    fid               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL,   -- the source's own id; unique with product_arn
    product_arn       TEXT    NOT NULL,   -- ASFF ProductArn (see model::Finding::product_arn)
    source            TEXT    NOT NULL,
    product           TEXT    NOT NULL,
    account           TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    control_id        TEXT,
    standard          TEXT,
    config_rule       TEXT,
    generator_id      TEXT,
    types             TEXT    NOT NULL,   -- JSON array of strings
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    severity          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    record_state      TEXT    NOT NULL,
    workflow_status   TEXT,
    remediation_text  TEXT,
    remediation_url   TEXT,
    first_observed_at INTEGER,
    last_observed_at  INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    import_id         INTEGER REFERENCES imports(id),
    mapped_control    TEXT,
    mapped            INTEGER NOT NULL DEFAULT 0,
    counted           INTEGER NOT NULL DEFAULT 0,
    req_set           INTEGER REFERENCES requirement_sets(id),
    related_nist      TEXT                -- JSON array, see SCHEMA_V17
, declared TEXT) STRICT;

CREATE INDEX findings_account ON findings(account);

CREATE INDEX findings_control ON findings(control_id);

CREATE INDEX findings_dims ON findings(req_set, mapped_control, account);

CREATE INDEX findings_explorer_default ON findings(
    record_state,
    (CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END),
    updated_at DESC
);

CREATE UNIQUE INDEX findings_identity ON findings(id, product_arn);

CREATE INDEX findings_mapped_control ON findings(mapped_control);

CREATE INDEX findings_overview ON findings(record_state, status, severity, source, account);

CREATE INDEX findings_rule ON findings(config_rule);

CREATE INDEX findings_unmapped ON findings(mapped) WHERE mapped = 0;

CREATE VIRTUAL TABLE findings_fts USING fts5(
    title, description, resources, vulns,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE 'findings_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;

CREATE TABLE 'findings_fts_data'(id INTEGER PRIMARY KEY, block BLOB);

CREATE TABLE 'findings_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB, origin INTEGER);

CREATE TABLE 'findings_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    label       TEXT    NOT NULL,   -- file name, '-' for stdin, or the demo day
    shape       TEXT    NOT NULL,   -- see import::Shape::as_str
    started_at  INTEGER NOT NULL,   -- ms since epoch
    finished_at INTEGER NOT NULL,
    findings    INTEGER NOT NULL,   -- findings read from the file
    inserted    INTEGER NOT NULL,   -- new findings
    updated     INTEGER NOT NULL,   -- findings replaced by a newer version
    unchanged   INTEGER NOT NULL,   -- same UpdatedAt as stored: nothing to do
    stale       INTEGER NOT NULL,   -- older than stored: kept for history only
    history     INTEGER NOT NULL    -- status-history events recorded
, future INTEGER NOT NULL DEFAULT 0, lenient INTEGER NOT NULL DEFAULT 0) STRICT;

CREATE TABLE org_units (
    id        TEXT PRIMARY KEY,     -- ou-xxxx-yyyyyyyy, or the root's r-xxxx
    name      TEXT NOT NULL,
    parent_id TEXT,                 -- NULL for the root
    path      TEXT NOT NULL,        -- names from the root down, joined with '/'
    id_path   TEXT NOT NULL         -- ids from the root down, '/' before and after each
) STRICT;

CREATE TABLE owner_assignments (
    id          INTEGER PRIMARY KEY,
    scope       TEXT    NOT NULL CHECK (scope IN ('finding', 'control', 'account', 'unit')),
    target      TEXT    NOT NULL,
    owner       TEXT    NOT NULL,   -- '' clears the assignment at this level
    assigned_at INTEGER NOT NULL,
    assigned_by TEXT    NOT NULL
) STRICT;

CREATE INDEX owner_assignments_target ON owner_assignments(scope, target, assigned_at);

CREATE TRIGGER owner_assignments_no_delete BEFORE DELETE ON owner_assignments
BEGIN SELECT RAISE(ABORT, 'owner assignments are append-only: assign again'); END;

CREATE TRIGGER owner_assignments_no_update BEFORE UPDATE ON owner_assignments
BEGIN SELECT RAISE(ABORT, 'owner assignments are append-only: assign again'); END;

CREATE TABLE requirement_counts (
    framework   TEXT    NOT NULL,
    requirement TEXT    NOT NULL,
    control     TEXT    NOT NULL,
    failed      INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    other       INTEGER NOT NULL,
    PRIMARY KEY (framework, requirement, control)
) STRICT, WITHOUT ROWID;

CREATE TABLE requirement_sets (
    id           INTEGER PRIMARY KEY,
    requirements TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE snapshot_frameworks (
    framework       TEXT    NOT NULL,
    day             TEXT    NOT NULL,   -- YYYY-MM-DD (UTC); the state at the end of the day
    passing         INTEGER NOT NULL,
    failing         INTEGER NOT NULL,
    no_data         INTEGER NOT NULL,
    attested        INTEGER NOT NULL,
    expired         INTEGER NOT NULL,
    not_attested    INTEGER NOT NULL,
    controls_passed INTEGER NOT NULL,
    controls_failed INTEGER NOT NULL,
    failed_findings INTEGER NOT NULL,   -- active failing findings mapped to the framework
    carried         INTEGER NOT NULL, score REAL,   -- 1: nothing was imported that day
    PRIMARY KEY (framework, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE snapshot_requirements (
    framework   TEXT    NOT NULL,
    requirement TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    failed      INTEGER NOT NULL,
    passed      INTEGER NOT NULL, score REAL,
    PRIMARY KEY (framework, requirement, day)
) STRICT, WITHOUT ROWID;

CREATE INDEX snapshot_requirements_day ON snapshot_requirements(framework, day);

CREATE TABLE sync_state (
    source        TEXT    NOT NULL,
    account       TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    -- Everything updated before this instant (ms) is stored; the next run asks for
    -- what changed since (less a margin for clock skew). NULL: never completed.
    watermark     INTEGER,
    -- A run in progress: when it started (its plan depends on it), the query it was
    -- paging through, and the token of the next page. NULL when no run is pending.
    run_started   INTEGER,
    resume_query  TEXT,
    resume_token  TEXT,
    last_attempt  INTEGER,
    last_success  INTEGER,
    last_error    TEXT,
    last_error_kind TEXT,
    last_pages    INTEGER NOT NULL DEFAULT 0,
    last_findings INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, account, region)
) STRICT;

CREATE TABLE workspace_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

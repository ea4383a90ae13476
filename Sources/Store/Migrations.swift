import GRDB

/// The schema, as named, append-only migrations. Never edit a migration that has
/// shipped: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-reference-induction-audit") { db in
            try db.execute(sql: """
                CREATE TABLE appropriate_bodies (
                  id TEXT PRIMARY KEY NOT NULL,
                  name TEXT NOT NULL,
                  dfe_sign_in_organisation_id TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE trusts (
                  uid TEXT PRIMARY KEY NOT NULL,
                  name TEXT NOT NULL,
                  type TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE schools (
                  urn TEXT PRIMARY KEY NOT NULL CHECK (length(urn) = 6),
                  name TEXT NOT NULL,
                  la_code TEXT NOT NULL DEFAULT '',
                  la_name TEXT NOT NULL DEFAULT '',
                  type TEXT NOT NULL DEFAULT '',
                  status TEXT NOT NULL DEFAULT '',
                  phase TEXT NOT NULL DEFAULT '',
                  trust_uid TEXT
                );
                CREATE INDEX schools_by_trust ON schools(trust_uid);
                CREATE TABLE lead_providers (
                  id TEXT PRIMARY KEY NOT NULL,
                  name TEXT NOT NULL
                );

                CREATE TABLE runs (
                  id TEXT PRIMARY KEY NOT NULL,
                  as_of TEXT NOT NULL,
                  started_at TEXT NOT NULL,
                  finished_at TEXT,
                  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed'))
                );

                CREATE TABLE submissions (
                  id INTEGER PRIMARY KEY,
                  submitter_kind TEXT NOT NULL CHECK (submitter_kind IN ('schools', 'trusts', 'appropriate-bodies')),
                  submitter_id TEXT NOT NULL,
                  file_name TEXT NOT NULL,
                  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                  kind TEXT CHECK (kind IN ('claims', 'actions', 'extensions', 'registrations', 'mentors')),
                  format TEXT CHECK (format IN ('csv', 'json', 'ndjson', 'xml')),
                  status TEXT NOT NULL CHECK (status IN ('processed', 'refused')),
                  refusal_code TEXT,
                  refusal_message TEXT,
                  rows_total INTEGER NOT NULL DEFAULT 0,
                  rows_accepted INTEGER NOT NULL DEFAULT 0,
                  rows_rejected INTEGER NOT NULL DEFAULT 0,
                  run_id TEXT REFERENCES runs(id),
                  as_of TEXT NOT NULL,
                  processed_at TEXT NOT NULL,
                  duration_ms INTEGER,
                  CHECK (rows_accepted + rows_rejected = rows_total),
                  CHECK ((status = 'refused') = (refusal_code IS NOT NULL)),
                  UNIQUE (submitter_kind, submitter_id, sha256)
                );

                CREATE TABLE teachers (
                  trn TEXT PRIMARY KEY NOT NULL CHECK (length(trn) = 7),
                  trs_first_name TEXT NOT NULL,
                  trs_last_name TEXT NOT NULL,
                  corrected_name TEXT,
                  created_by_submission_id INTEGER NOT NULL REFERENCES submissions(id)
                );

                CREATE TABLE induction_periods (
                  id INTEGER PRIMARY KEY,
                  trn TEXT NOT NULL REFERENCES teachers(trn),
                  appropriate_body_id TEXT NOT NULL REFERENCES appropriate_bodies(id),
                  start_date TEXT NOT NULL,
                  end_date TEXT,
                  programme TEXT NOT NULL CHECK (programme IN ('provider-led', 'school-led')),
                  terms_tenths INTEGER CHECK (terms_tenths BETWEEN 0 AND 160),
                  outcome TEXT CHECK (outcome IN ('pass', 'fail')),
                  fail_confirmation_sent_on TEXT,
                  opened_by_submission_id INTEGER NOT NULL REFERENCES submissions(id),
                  opened_by_row INTEGER NOT NULL,
                  closed_by_submission_id INTEGER REFERENCES submissions(id),
                  closed_by_row INTEGER,
                  CHECK (end_date IS NULL OR end_date > start_date),
                  CHECK (outcome IS NULL OR end_date IS NOT NULL),
                  CHECK (outcome = 'fail' OR fail_confirmation_sent_on IS NULL),
                  CHECK ((end_date IS NULL) = (terms_tenths IS NULL))
                );
                CREATE INDEX induction_periods_by_trn ON induction_periods(trn);
                CREATE UNIQUE INDEX one_open_induction_period_per_teacher
                  ON induction_periods(trn) WHERE end_date IS NULL;
                CREATE UNIQUE INDEX one_induction_outcome_per_teacher
                  ON induction_periods(trn) WHERE outcome IS NOT NULL;

                CREATE TABLE extensions (
                  id INTEGER PRIMARY KEY,
                  trn TEXT NOT NULL REFERENCES teachers(trn),
                  terms_tenths INTEGER NOT NULL CHECK (terms_tenths BETWEEN 1 AND 160),
                  created_by_submission_id INTEGER NOT NULL REFERENCES submissions(id),
                  created_by_row INTEGER NOT NULL,
                  updated_by_submission_id INTEGER REFERENCES submissions(id),
                  updated_by_row INTEGER
                );
                CREATE INDEX extensions_by_trn ON extensions(trn);

                CREATE TABLE row_verdicts (
                  submission_id INTEGER NOT NULL REFERENCES submissions(id),
                  row_number INTEGER NOT NULL,
                  trn TEXT,
                  status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
                  error_codes TEXT NOT NULL DEFAULT '',
                  error_messages TEXT NOT NULL DEFAULT '',
                  warning_codes TEXT NOT NULL DEFAULT '',
                  warning_messages TEXT NOT NULL DEFAULT '',
                  extension_id INTEGER,
                  PRIMARY KEY (submission_id, row_number)
                ) WITHOUT ROWID;

                CREATE TABLE events (
                  id INTEGER PRIMARY KEY,
                  submission_id INTEGER NOT NULL REFERENCES submissions(id),
                  row_number INTEGER NOT NULL,
                  trn TEXT NOT NULL,
                  name TEXT NOT NULL,
                  detail TEXT NOT NULL DEFAULT '',
                  as_of TEXT NOT NULL
                );
                CREATE INDEX events_by_trn ON events(trn);

                CREATE TABLE trs_outbox (
                  id INTEGER PRIMARY KEY,
                  trn TEXT NOT NULL REFERENCES teachers(trn),
                  induction_status TEXT NOT NULL CHECK (induction_status IN ('InProgress', 'Passed', 'Failed')),
                  start_date TEXT NOT NULL,
                  completion_date TEXT,
                  submission_id INTEGER NOT NULL REFERENCES submissions(id),
                  row_number INTEGER NOT NULL,
                  exported_at TEXT,
                  CHECK ((induction_status = 'InProgress') = (completion_date IS NULL))
                );
                """)
        }
        migrator.registerMigration("v2-school-registrations") { db in
            try db.execute(sql: """
                CREATE TABLE school_registrations (
                  id INTEGER PRIMARY KEY,
                  trn TEXT NOT NULL REFERENCES teachers(trn),
                  role TEXT NOT NULL CHECK (role IN ('ect', 'mentor')),
                  school_urn TEXT NOT NULL REFERENCES schools(urn),
                  start_date TEXT NOT NULL,
                  end_date TEXT,
                  email TEXT NOT NULL CHECK (email = lower(email)),
                  working_pattern TEXT CHECK (working_pattern IN ('full-time', 'part-time')),
                  appropriate_body_id TEXT REFERENCES appropriate_bodies(id),
                  training_programme TEXT CHECK (training_programme IN ('provider-led', 'school-led')),
                  lead_provider_id TEXT REFERENCES lead_providers(id),
                  created_by_submission_id INTEGER NOT NULL REFERENCES submissions(id),
                  created_by_row INTEGER NOT NULL,
                  closed_by_submission_id INTEGER REFERENCES submissions(id),
                  closed_by_row INTEGER,
                  CHECK (end_date IS NULL OR end_date >= start_date),
                  CHECK (role = 'ect' OR (working_pattern IS NULL AND appropriate_body_id IS NULL
                                          AND training_programme IS NULL AND lead_provider_id IS NULL))
                );
                CREATE INDEX school_registrations_by_trn ON school_registrations(trn);
                CREATE INDEX school_registrations_by_email ON school_registrations(email);
                CREATE UNIQUE INDEX one_open_ect_registration_per_teacher
                  ON school_registrations(trn) WHERE role = 'ect' AND end_date IS NULL;
                """)
        }
        migrator.registerMigration("v3-run-duration") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN duration_ms INTEGER")
        }
        // The result file's name, so that inputs sharing a stem never share a result (a
        // rerun after a kill picks the names the first run took); messages stored with
        // their line breaks escaped, so that a re-issued result is byte-identical.
        migrator.registerMigration("v4-result-names-escaped-messages") { db in
            try db.execute(sql: """
                ALTER TABLE submissions ADD COLUMN result_name TEXT;
                CREATE INDEX submissions_by_result_name ON submissions(submitter_kind, submitter_id, result_name);
                UPDATE row_verdicts
                  SET error_messages = replace(error_messages, '\\', '\\\\'),
                      warning_messages = replace(warning_messages, '\\', '\\\\')
                  WHERE instr(error_messages, '\\') > 0 OR instr(warning_messages, '\\') > 0;
                """)
        }
        // Every GIAS establishment, whatever its URN's length (children's centres have
        // five digits); only six-digit ones can be named in submissions, which the rules
        // check. Regions from GIAS, for the statistics by geography.
        migrator.registerMigration("v5-establishments-any-urn-regions") { db in
            try db.execute(sql: """
                CREATE TABLE establishments (
                  urn TEXT PRIMARY KEY NOT NULL CHECK (length(urn) BETWEEN 1 AND 8),
                  name TEXT NOT NULL,
                  la_code TEXT NOT NULL DEFAULT '',
                  la_name TEXT NOT NULL DEFAULT '',
                  type TEXT NOT NULL DEFAULT '',
                  status TEXT NOT NULL DEFAULT '',
                  phase TEXT NOT NULL DEFAULT '',
                  trust_uid TEXT,
                  region_code TEXT NOT NULL DEFAULT '',
                  region_name TEXT NOT NULL DEFAULT ''
                );
                INSERT INTO establishments (urn, name, la_code, la_name, type, status, phase, trust_uid)
                  SELECT urn, name, la_code, la_name, type, status, phase, trust_uid FROM schools;
                DROP TABLE schools;
                ALTER TABLE establishments RENAME TO schools;
                CREATE INDEX schools_by_trust ON schools(trust_uid);
                """)
        }
        // Kinds and formats are the code's to know (`SubmissionKind`, `FileFormat`): a new
        // one (workbooks) must not fail only when the store meets it at run time.
        migrator.registerMigration("v6-submissions-kinds-formats-from-code") { db in
            try db.execute(sql: """
                CREATE TABLE submissions_new (
                  id INTEGER PRIMARY KEY,
                  submitter_kind TEXT NOT NULL CHECK (submitter_kind IN ('schools', 'trusts', 'appropriate-bodies')),
                  submitter_id TEXT NOT NULL,
                  file_name TEXT NOT NULL,
                  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                  kind TEXT,
                  format TEXT,
                  status TEXT NOT NULL CHECK (status IN ('processed', 'refused')),
                  refusal_code TEXT,
                  refusal_message TEXT,
                  rows_total INTEGER NOT NULL DEFAULT 0,
                  rows_accepted INTEGER NOT NULL DEFAULT 0,
                  rows_rejected INTEGER NOT NULL DEFAULT 0,
                  run_id TEXT REFERENCES runs(id),
                  as_of TEXT NOT NULL,
                  processed_at TEXT NOT NULL,
                  duration_ms INTEGER,
                  result_name TEXT,
                  CHECK (rows_accepted + rows_rejected = rows_total),
                  CHECK ((status = 'refused') = (refusal_code IS NOT NULL)),
                  UNIQUE (submitter_kind, submitter_id, sha256)
                );
                INSERT INTO submissions_new
                  SELECT id, submitter_kind, submitter_id, file_name, sha256, kind, format, status, refusal_code,
                         refusal_message, rows_total, rows_accepted, rows_rejected, run_id, as_of, processed_at,
                         duration_ms, result_name
                  FROM submissions;
                DROP TABLE submissions;
                ALTER TABLE submissions_new RENAME TO submissions;
                CREATE INDEX submissions_by_result_name ON submissions(submitter_kind, submitter_id, result_name);
                """)
        }
        // A run's own counts, as the run made them: stdout, the log, the run report and
        // summary.json all read these.
        migrator.registerMigration("v7-run-counts") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN files_processed INTEGER;
                ALTER TABLE runs ADD COLUMN files_refused INTEGER;
                ALTER TABLE runs ADD COLUMN files_quarantined INTEGER;
                ALTER TABLE runs ADD COLUMN files_reissued INTEGER;
                ALTER TABLE runs ADD COLUMN files_waiting INTEGER;
                ALTER TABLE runs ADD COLUMN rows_accepted INTEGER;
                ALTER TABLE runs ADD COLUMN rows_rejected INTEGER;
                """)
        }
        // DfE's local-authority lookup, for statistics by local authority and region.
        migrator.registerMigration("v8-local-authorities") { db in
            try db.execute(sql: """
                CREATE TABLE local_authorities (
                  old_code TEXT PRIMARY KEY NOT NULL CHECK (length(old_code) = 3),
                  new_code TEXT NOT NULL CHECK (length(new_code) = 9),
                  name TEXT NOT NULL,
                  region_code TEXT NOT NULL,
                  region_name TEXT NOT NULL
                );
                """)
        }
        // Outcomes exported to a file for TRS, each exactly once: an export is recorded
        // before its file is written and finished once the file is in place.
        migrator.registerMigration("v9-trs-exports") { db in
            try db.execute(sql: """
                CREATE TABLE trs_exports (
                  id INTEGER PRIMARY KEY,
                  path TEXT NOT NULL,
                  started_at TEXT NOT NULL,
                  finished_at TEXT
                );
                ALTER TABLE trs_outbox ADD COLUMN export_id INTEGER REFERENCES trs_exports(id);
                CREATE INDEX trs_outbox_by_export ON trs_outbox(export_id);
                """)
        }
        // Outcomes delivered through TRS's API: what TRS answered, once it answered for good
        // (delivered, superseded by a newer change, or failed with TRS's reason).
        migrator.registerMigration("v10-trs-delivery") { db in
            try db.execute(sql: """
                ALTER TABLE trs_outbox ADD COLUMN delivery_state TEXT
                  CHECK (delivery_state IN ('delivered', 'superseded', 'failed'));
                ALTER TABLE trs_outbox ADD COLUMN delivered_at TEXT;
                ALTER TABLE trs_outbox ADD COLUMN trs_answer TEXT;
                CREATE INDEX trs_outbox_pending ON trs_outbox(id) WHERE export_id IS NULL AND delivery_state IS NULL;
                """)
        }
        // The run report reads a run's submissions by their run.
        migrator.registerMigration("v11-submissions-by-run") { db in
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS submissions_by_run ON submissions(run_id)")
        }
        // Processed inputs are archived as entries of one tar bundle per run: where each is.
        migrator.registerMigration("v12-archive-bundles") { db in
            try db.execute(sql: PostgresMigrations.archiveBundles)
        }
        return migrator
    }
}

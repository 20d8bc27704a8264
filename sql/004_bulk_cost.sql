-- postpanel schema, version 4: what a change of thousands of domains costs.

-- The audit log is history: it keeps the account and domain ids as they
-- were recorded, next to their names, and survives both. Foreign keys to
-- accounts and domains added nothing to that (deleting a domain only
-- rewrote its history, setting the id to NULL) and their checks were a
-- third of the audit trigger's time in a bulk change of 10,000 domains.
-- The change id keeps its key: changes are never deleted.
ALTER TABLE audit_log
    DROP CONSTRAINT audit_log_actor_id_fkey,
    DROP CONSTRAINT audit_log_domain_id_fkey;

-- Room in every page of mail_settings for the new version of its rows:
-- an update that changes no indexed column then stays in the page (a HOT
-- update) and writes no index entry. Pages written from now on keep it.
ALTER TABLE mail_settings SET (fillfactor = 70);

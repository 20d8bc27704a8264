-- postpanel schema, version 3: bulk changes and their undo.
-- A change groups the audit rows of one bulk edit (or of the undo of
-- one): the audit triggers copy postpanel.change_id, which the bulk code
-- sets inside its transaction, into every row they write.

CREATE TABLE changes (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_id      bigint REFERENCES accounts(id) ON DELETE SET NULL,
    actor_login   text NOT NULL,
    -- bulk: the Mail settings list; undo: the undo of another change; api: later.
    source        text NOT NULL CHECK (source IN ('bulk', 'undo', 'api')),
    -- service, webmail, policy, limits: the toolbar button.
    action        text NOT NULL CHECK (action IN ('service', 'webmail', 'policy', 'limits')),
    -- What was asked: the form fields of the action, as typed (a forward
    -- address may be a template such as catchall@{domain}).
    params        jsonb NOT NULL,
    -- Which domains: {"filter": {...}} or {"names": [...]}, or {"change": N} for an undo.
    selection     jsonb NOT NULL,
    -- When the preview read the settings the user saw (bulk only).
    previewed_at  timestamptz,
    selected      integer NOT NULL DEFAULT 0,	-- domains in the selection
    domains       integer NOT NULL DEFAULT 0,	-- domains changed
    -- Undo: the domains left as they were, [{"domain": ..., "reason": ...}].
    skipped       jsonb NOT NULL DEFAULT '[]',
    undoes        bigint UNIQUE REFERENCES changes(id),
    undone_by     bigint REFERENCES changes(id),
    CHECK ((source = 'undo') = (undoes IS NOT NULL))
);
CREATE INDEX changes_actor ON changes (actor_id, id DESC);

ALTER TABLE audit_log ADD CONSTRAINT audit_log_change_id_fkey
    FOREIGN KEY (change_id) REFERENCES changes(id);

-- The domains of one change, in name order (the change's page is paged by name).
DROP INDEX audit_log_change;
CREATE INDEX audit_log_change ON audit_log (change_id, domain_name) WHERE change_id IS NOT NULL;

-- One statement of a bulk change updates thousands of rows; its audit
-- trigger must stay a small part of it. Same rows as before (version 1),
-- computed more cheaply: each row's JSON once, the transaction's actor
-- once, the domain name by its key. Transition tables have no
-- statistics, so the planner guesses: no JIT compilation (the insert
-- looked expensive enough to be compiled, which alone cost a third of a
-- second for 10,000 rows), and no nested loop (the EXISTS below joined
-- 10,000 new rows to 10,000 old ones pairwise when nothing had changed:
-- twenty seconds).
-- pp_mail_json() is as stable as jsonb_build_object(), and declared so it
-- can be inlined.
CREATE OR REPLACE FUNCTION pp_mail_json(m mail_settings) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'service', m.service_enabled,
        'policy', m.unknown_policy,
        'bounce_message', m.bounce_message,
        'forward_address', m.forward_address,
        'redirect_ip', host(m.redirect_ip),
        'redirect_port', m.redirect_port,
        'webmail', m.webmail,
        'domain_limit_mode', m.domain_limit_mode,
        'domain_limit', m.domain_limit,
        'mailbox_limit_mode', m.mailbox_limit_mode,
        'mailbox_limit', m.mailbox_limit)
$$;

CREATE OR REPLACE FUNCTION pp_mail_settings_changed() RETURNS trigger LANGUAGE plpgsql
SET jit = off SET enable_nestloop = off AS $$
DECLARE
    g bigint;
    a_id bigint := pp_actor_id();
    a_login text := pp_actor_login();
    a_source text := pp_source();
    a_change bigint := pp_change_id();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o USING (domain_id)
                   WHERE pp_mail_json(n) IS DISTINCT FROM pp_mail_json(o)) THEN
        RETURN NULL;
    END IF;
    g := pp_bump_generation();
    INSERT INTO audit_log (actor_id, actor_login, source, change_id, domain_id,
                           domain_name, action, before, after, generation)
    SELECT a_id, a_login, a_source, a_change, c.domain_id,
           (SELECT d.name FROM domains d WHERE d.id = c.domain_id), 'mail_settings',
           c.before, c.after, g
      FROM (SELECT n.domain_id, pp_mail_json(o) AS before, pp_mail_json(n) AS after
              FROM new_rows n JOIN old_rows o USING (domain_id)
            OFFSET 0) c		-- each JSON built once, not again in the WHERE
     WHERE c.before IS DISTINCT FROM c.after;
    RETURN NULL;
END $$;

-- postpanel schema, version 2: mailboxes, aliases, and the mail servers
-- (nodes) that apply the maps. Changes are audited and bump the
-- generation through triggers, like mail settings in version 1.

CREATE TABLE mailboxes (
    id         bigserial PRIMARY KEY,
    domain_id  bigint NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    local_part text NOT NULL CHECK (local_part ~ '^[a-z0-9][a-z0-9._-]{0,63}$'
                                    AND local_part !~ '\.\.' AND local_part !~ '\.$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (domain_id, local_part)
);

CREATE TABLE aliases (
    id         bigserial PRIMARY KEY,
    domain_id  bigint NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    local_part text NOT NULL CHECK (local_part ~ '^[a-z0-9][a-z0-9._-]{0,63}$'
                                    AND local_part !~ '\.\.' AND local_part !~ '\.$'),
    -- Addresses, validated in C; stored without blanks, rendered joined by commas.
    targets    text[] NOT NULL CHECK (cardinality(targets) BETWEEN 1 AND 50
                                      AND array_to_string(targets, ',') !~ '[[:space:][:cntrl:]]'),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (domain_id, local_part)
);

-- One address is a mailbox or an alias, not both.
CREATE FUNCTION pp_address_unique() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_TABLE_NAME = 'mailboxes' AND EXISTS
            (SELECT 1 FROM aliases WHERE domain_id = NEW.domain_id AND local_part = NEW.local_part))
       OR (TG_TABLE_NAME = 'aliases' AND EXISTS
            (SELECT 1 FROM mailboxes WHERE domain_id = NEW.domain_id AND local_part = NEW.local_part)) THEN
        RAISE EXCEPTION 'address % exists already', NEW.local_part USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER mailboxes_unique BEFORE INSERT OR UPDATE OF local_part, domain_id ON mailboxes
    FOR EACH ROW EXECUTE FUNCTION pp_address_unique();
CREATE TRIGGER aliases_unique BEFORE INSERT OR UPDATE OF local_part, domain_id ON aliases
    FOR EACH ROW EXECUTE FUNCTION pp_address_unique();

-- Audit rows for mailboxes and aliases. Rows whose domain is being deleted
-- (a cascade) are left to the domain's own audit row.
CREATE FUNCTION pp_addresses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
    kind text := CASE TG_TABLE_NAME WHEN 'mailboxes' THEN 'mailbox' ELSE 'alias' END;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN domains d ON d.id = n.domain_id) THEN
            RETURN NULL;
        END IF;
        g := pp_bump_generation();
        INSERT INTO audit_log (actor_id, actor_login, source, change_id, domain_id,
                               domain_name, action, before, after, generation)
        SELECT pp_actor_id(), pp_actor_login(), pp_source(), pp_change_id(), d.id, d.name,
               kind || '_add', NULL, to_jsonb(n) - 'id' - 'domain_id' - 'created_at', g
          FROM new_rows n JOIN domains d ON d.id = n.domain_id;
    ELSIF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN domains d ON d.id = o.domain_id) THEN
            RETURN NULL;
        END IF;
        g := pp_bump_generation();
        INSERT INTO audit_log (actor_id, actor_login, source, change_id, domain_id,
                               domain_name, action, before, after, generation)
        SELECT pp_actor_id(), pp_actor_login(), pp_source(), pp_change_id(), d.id, d.name,
               kind || '_delete', to_jsonb(o) - 'id' - 'domain_id' - 'created_at', NULL, g
          FROM old_rows o JOIN domains d ON d.id = o.domain_id;
    ELSE
        IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o USING (id)
                       WHERE to_jsonb(n) IS DISTINCT FROM to_jsonb(o)) THEN
            RETURN NULL;
        END IF;
        g := pp_bump_generation();
        INSERT INTO audit_log (actor_id, actor_login, source, change_id, domain_id,
                               domain_name, action, before, after, generation)
        SELECT pp_actor_id(), pp_actor_login(), pp_source(), pp_change_id(), d.id, d.name,
               kind || '_update', to_jsonb(o) - 'id' - 'domain_id' - 'created_at',
               to_jsonb(n) - 'id' - 'domain_id' - 'created_at', g
          FROM new_rows n JOIN old_rows o USING (id) JOIN domains d ON d.id = n.domain_id
         WHERE to_jsonb(n) IS DISTINCT FROM to_jsonb(o);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER mailboxes_added AFTER INSERT ON mailboxes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_addresses_changed();
CREATE TRIGGER mailboxes_removed AFTER DELETE ON mailboxes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_addresses_changed();
CREATE TRIGGER mailboxes_updated AFTER UPDATE ON mailboxes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_addresses_changed();
CREATE TRIGGER aliases_added AFTER INSERT ON aliases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_addresses_changed();
CREATE TRIGGER aliases_removed AFTER DELETE ON aliases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_addresses_changed();
CREATE TRIGGER aliases_updated AFTER UPDATE ON aliases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_addresses_changed();

-- The owner's language chooses the default bounce text: a change is a map change.
CREATE FUNCTION pp_account_language() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM domains WHERE owner_id = NEW.id) THEN
        g := pp_bump_generation();
        INSERT INTO audit_log (actor_id, actor_login, source, action, before, after, generation)
        VALUES (pp_actor_id(), pp_actor_login(), pp_source(), 'account_language',
                jsonb_build_object('login', OLD.login, 'language', OLD.language),
                jsonb_build_object('login', NEW.login, 'language', NEW.language), g);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER accounts_language AFTER UPDATE OF language ON accounts
    FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)
    EXECUTE FUNCTION pp_account_language();

-- The map daemons follow the audit log by generation.
CREATE INDEX audit_log_generation ON audit_log (generation);

-- One row per mail server running postpanel-mapd.
CREATE TABLE map_nodes (
    name               text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9.-]{0,63}$'),
    applied_generation bigint NOT NULL DEFAULT 0,
    applied_at         timestamptz,
    -- Written every few seconds while mapd runs; old means mapd is down.
    heartbeat_at       timestamptz,
    started_at         timestamptz,
    -- The last failure, cleared by the next success.
    error              text,
    error_at           timestamptz,
    error_generation   bigint
);

-- postpanel schema, version 1.
-- Accounts and roles, domains, per-domain mail settings, server settings,
-- the change generation that mail servers follow, and the audit log.
-- Every change to mail data goes through statement-level triggers that bump
-- the generation, notify listeners and write the audit log, so no path
-- (web, CLI, bulk, API, or a manual UPDATE) can forget to.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE account_role AS ENUM ('admin', 'reseller', 'customer');
CREATE TYPE unknown_policy AS ENUM ('bounce', 'forward', 'redirect', 'reject');
CREATE TYPE limit_mode AS ENUM ('default', 'unlimited', 'custom');

CREATE TABLE accounts (
    id            bigserial PRIMARY KEY,
    login         text NOT NULL UNIQUE
                  CHECK (login ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
    password_hash text NOT NULL,
    role          account_role NOT NULL,
    -- The reseller a customer belongs to; NULL: served by the administrator.
    reseller_id   bigint REFERENCES accounts(id),
    language      text CHECK (language IN ('en', 'fr', 'sv')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'customer' OR reseller_id IS NULL)
);
CREATE INDEX accounts_reseller ON accounts (reseller_id) WHERE reseller_id IS NOT NULL;

CREATE FUNCTION pp_account_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reseller_id IS NOT NULL AND NOT EXISTS
       (SELECT 1 FROM accounts WHERE id = NEW.reseller_id AND role = 'reseller') THEN
        RAISE EXCEPTION 'account % is not a reseller', NEW.reseller_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_check BEFORE INSERT OR UPDATE OF reseller_id ON accounts
    FOR EACH ROW EXECUTE FUNCTION pp_account_check();

CREATE TABLE webmails (
    name      text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,31}$'),
    label     text NOT NULL CHECK (label !~ '[[:cntrl:]]' AND length(label) BETWEEN 1 AND 64),
    installed boolean NOT NULL DEFAULT false,
    sort      integer NOT NULL DEFAULT 0
);
INSERT INTO webmails (name, label, installed, sort) VALUES
    ('roundcube', 'Roundcube', true, 1),
    ('horde', 'Horde', false, 2),
    ('snappymail', 'SnappyMail', false, 3);

CREATE TABLE server_settings (
    id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- Forward targets must stay inside the domain (Plesk: outgoing mail control).
    outgoing_control      boolean NOT NULL DEFAULT false,
    -- Messages per hour; NULL: unlimited.
    default_domain_limit  integer CHECK (default_domain_limit BETWEEN 1 AND 1000000),
    default_mailbox_limit integer CHECK (default_mailbox_limit BETWEEN 1 AND 1000000),
    -- What the policy service answers over the limit.
    over_limit_action     text NOT NULL DEFAULT 'defer' CHECK (over_limit_action IN ('defer', 'reject')),
    default_language      text NOT NULL DEFAULT 'en' CHECK (default_language IN ('en', 'fr', 'sv')),
    version               bigint NOT NULL DEFAULT 1,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            bigint REFERENCES accounts(id) ON DELETE SET NULL
);
INSERT INTO server_settings (default_domain_limit, default_mailbox_limit) VALUES (1000, 100);

CREATE TABLE domains (
    id          bigserial PRIMARY KEY,
    -- ASCII (punycode) name; the grammar is checked in C and again here.
    name        text NOT NULL UNIQUE
                CHECK (name ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$' AND name LIKE '%.%'),
    owner_id    bigint NOT NULL REFERENCES accounts(id),
    -- Copied from the owner so that a reseller's page is one index range.
    reseller_id bigint REFERENCES accounts(id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX domains_owner ON domains (owner_id, name);
CREATE INDEX domains_reseller ON domains (reseller_id, name) WHERE reseller_id IS NOT NULL;
CREATE INDEX domains_name_trgm ON domains USING gin (name gin_trgm_ops);

CREATE FUNCTION pp_domain_owner() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r account_role;
BEGIN
    SELECT role, reseller_id INTO r, NEW.reseller_id FROM accounts WHERE id = NEW.owner_id;
    IF r IS DISTINCT FROM 'customer' THEN
        RAISE EXCEPTION 'domain owner % is not a customer', NEW.owner_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER domains_owner BEFORE INSERT OR UPDATE OF owner_id ON domains
    FOR EACH ROW EXECUTE FUNCTION pp_domain_owner();

CREATE FUNCTION pp_account_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE domains SET reseller_id = NEW.reseller_id WHERE owner_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER accounts_moved AFTER UPDATE OF reseller_id ON accounts
    FOR EACH ROW WHEN (OLD.reseller_id IS DISTINCT FROM NEW.reseller_id)
    EXECUTE FUNCTION pp_account_moved();

CREATE TABLE mail_settings (
    domain_id          bigint PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    service_enabled    boolean NOT NULL DEFAULT true,
    unknown_policy     unknown_policy NOT NULL DEFAULT 'reject',
    -- NULL: the default text, in the domain owner's language.
    bounce_message     text CHECK (bounce_message !~ '[[:cntrl:]]' AND length(bounce_message) BETWEEN 1 AND 200),
    forward_address    text CHECK (forward_address ~ '^[^[:space:][:cntrl:]@]{1,64}@[a-z0-9.-]{1,253}$'),
    redirect_ip        inet CHECK (masklen(redirect_ip) = CASE family(redirect_ip) WHEN 4 THEN 32 ELSE 128 END),
    redirect_port      integer NOT NULL DEFAULT 25 CHECK (redirect_port BETWEEN 1 AND 65535),
    webmail            text REFERENCES webmails(name) ON UPDATE CASCADE,
    domain_limit_mode  limit_mode NOT NULL DEFAULT 'default',
    domain_limit       integer CHECK (domain_limit BETWEEN 1 AND 1000000),
    mailbox_limit_mode limit_mode NOT NULL DEFAULT 'default',
    mailbox_limit      integer CHECK (mailbox_limit BETWEEN 1 AND 1000000),
    version            bigint NOT NULL DEFAULT 1,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         bigint REFERENCES accounts(id) ON DELETE SET NULL,
    CHECK (unknown_policy <> 'forward' OR forward_address IS NOT NULL),
    CHECK (unknown_policy <> 'redirect' OR redirect_ip IS NOT NULL),
    CHECK (domain_limit_mode <> 'custom' OR domain_limit IS NOT NULL),
    CHECK (mailbox_limit_mode <> 'custom' OR mailbox_limit IS NOT NULL)
);
CREATE INDEX mail_settings_webmail ON mail_settings (webmail) WHERE webmail IS NOT NULL;

-- Every committed change to mail data increases the generation by one;
-- each mail server's map daemon records the generation it has applied.
CREATE TABLE change_generation (
    id    boolean PRIMARY KEY DEFAULT true CHECK (id),
    value bigint NOT NULL
);
INSERT INTO change_generation (value) VALUES (1);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES accounts(id) ON DELETE SET NULL,
    actor_login text NOT NULL,
    -- web, cli, bulk, api, undo, or sql for a change made outside postpanel.
    source      text NOT NULL,
    -- Groups the rows of one bulk change (and its undo); NULL otherwise.
    change_id   bigint,
    domain_id   bigint REFERENCES domains(id) ON DELETE SET NULL,
    domain_name text,
    action      text NOT NULL,
    before      jsonb,
    after       jsonb,
    generation  bigint NOT NULL
);
CREATE INDEX audit_log_domain ON audit_log (domain_id, id DESC);
CREATE INDEX audit_log_change ON audit_log (change_id) WHERE change_id IS NOT NULL;

-- The actor of the current transaction, set by postpanel with
-- set_config('postpanel.actor_id' ...), or the database user otherwise.
CREATE FUNCTION pp_actor_id() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('postpanel.actor_id', true), '')::bigint
$$;
CREATE FUNCTION pp_actor_login() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('postpanel.actor_login', true), ''), current_user::text)
$$;
CREATE FUNCTION pp_source() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('postpanel.source', true), ''), 'sql')
$$;
CREATE FUNCTION pp_change_id() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('postpanel.change_id', true), '')::bigint
$$;

-- Bumps the generation once per statement and wakes the map daemons.
CREATE FUNCTION pp_bump_generation() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    UPDATE change_generation SET value = value + 1 RETURNING value INTO g;
    PERFORM pg_notify('postpanel_changes', g::text);
    RETURN g;
END $$;

CREATE FUNCTION pp_mail_json(m mail_settings) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
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

CREATE FUNCTION pp_mail_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o USING (domain_id)
                   WHERE pp_mail_json(n) IS DISTINCT FROM pp_mail_json(o)) THEN
        RETURN NULL;
    END IF;
    g := pp_bump_generation();
    INSERT INTO audit_log (actor_id, actor_login, source, change_id, domain_id,
                           domain_name, action, before, after, generation)
    SELECT pp_actor_id(), pp_actor_login(), pp_source(), pp_change_id(), n.domain_id,
           d.name, 'mail_settings', pp_mail_json(o), pp_mail_json(n), g
      FROM new_rows n
      JOIN old_rows o USING (domain_id)
      JOIN domains d ON d.id = n.domain_id
     WHERE pp_mail_json(n) IS DISTINCT FROM pp_mail_json(o);
    RETURN NULL;
END $$;
CREATE TRIGGER mail_settings_changed AFTER UPDATE ON mail_settings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_mail_settings_changed();

-- A new domain gets default mail settings and an audit row.
CREATE FUNCTION pp_domains_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    INSERT INTO mail_settings (domain_id) SELECT id FROM new_rows;
    g := pp_bump_generation();
    INSERT INTO audit_log (actor_id, actor_login, source, change_id, domain_id,
                           domain_name, action, before, after, generation)
    SELECT pp_actor_id(), pp_actor_login(), pp_source(), pp_change_id(), n.id, n.name,
           'domain_add', NULL, jsonb_build_object('name', n.name, 'owner', a.login), g
      FROM new_rows n JOIN accounts a ON a.id = n.owner_id;
    RETURN NULL;
END $$;
CREATE TRIGGER domains_added AFTER INSERT ON domains
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_domains_added();

CREATE FUNCTION pp_domains_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    g := pp_bump_generation();
    INSERT INTO audit_log (actor_id, actor_login, source, change_id, domain_id,
                           domain_name, action, before, after, generation)
    SELECT pp_actor_id(), pp_actor_login(), pp_source(), pp_change_id(), NULL, o.name,
           'domain_delete', jsonb_build_object('name', o.name), NULL, g
      FROM old_rows o;
    RETURN NULL;
END $$;
CREATE TRIGGER domains_removed AFTER DELETE ON domains
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_domains_removed();

-- Domain counts per scope, kept by triggers so that no page counts rows.
-- scope 'all' (id 0), 'reseller' (reseller id), 'owner' (customer id).
CREATE TABLE domain_counts (
    scope text NOT NULL,
    id    bigint NOT NULL,
    n     bigint NOT NULL,
    PRIMARY KEY (scope, id)
);

CREATE FUNCTION pp_domain_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO domain_counts (scope, id, n)
        SELECT s.scope, s.id, count(*) FROM new_rows r,
               LATERAL (VALUES ('all', 0::bigint), ('owner', r.owner_id), ('reseller', r.reseller_id)) s(scope, id)
         WHERE s.id IS NOT NULL GROUP BY s.scope, s.id
        ON CONFLICT (scope, id) DO UPDATE SET n = domain_counts.n + EXCLUDED.n;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO domain_counts (scope, id, n)
        SELECT s.scope, s.id, -count(*) FROM old_rows r,
               LATERAL (VALUES ('all', 0::bigint), ('owner', r.owner_id), ('reseller', r.reseller_id)) s(scope, id)
         WHERE s.id IS NOT NULL GROUP BY s.scope, s.id
        ON CONFLICT (scope, id) DO UPDATE SET n = domain_counts.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER domains_count_ins AFTER INSERT ON domains
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pp_domain_counts();
CREATE TRIGGER domains_count_del AFTER DELETE ON domains
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pp_domain_counts();
CREATE TRIGGER domains_count_upd AFTER UPDATE ON domains
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_domain_counts();

CREATE TABLE sessions (
    -- sha256 of the cookie value: a stolen table does not yield sessions.
    token_hash bytea PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins per login name and per client address, for throttling.
CREATE TABLE login_failures (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    first_at     timestamptz NOT NULL,
    locked_until timestamptz
);

-- Server settings and the installed webmails are audited too.
CREATE FUNCTION pp_server_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
    o jsonb := to_jsonb(OLD) - 'id' - 'version' - 'updated_at' - 'updated_by';
    n jsonb := to_jsonb(NEW) - 'id' - 'version' - 'updated_at' - 'updated_by';
BEGIN
    IF o IS DISTINCT FROM n THEN
        g := pp_bump_generation();
        INSERT INTO audit_log (actor_id, actor_login, source, action, before, after, generation)
        VALUES (pp_actor_id(), pp_actor_login(), pp_source(), 'server_settings', o, n, g);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER server_settings_changed AFTER UPDATE ON server_settings
    FOR EACH ROW EXECUTE FUNCTION pp_server_settings_changed();

CREATE FUNCTION pp_webmails_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o USING (name) WHERE n.installed <> o.installed) THEN
        g := pp_bump_generation();
        INSERT INTO audit_log (actor_id, actor_login, source, action, before, after, generation)
        SELECT pp_actor_id(), pp_actor_login(), pp_source(), 'webmail',
               jsonb_build_object('name', o.name, 'installed', o.installed),
               jsonb_build_object('name', n.name, 'installed', n.installed), g
          FROM new_rows n JOIN old_rows o USING (name) WHERE n.installed <> o.installed;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webmails_changed AFTER UPDATE ON webmails
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pp_webmails_changed();

-- Instances keep what every request reads (a key and its owner, a connection
-- row) in memory, and drop it when the store says it changed: every write that
-- can change an authentication or a connection, whichever code path (or person
-- with psql) makes it, sends a notice on the channel "nexatron_changes" naming
-- its table. NOTIFY is transactional: the notice goes out at commit, and not at
-- all on rollback. Writes that change nothing a cached read returns send none
-- (a key's last_used_at, written at most once a minute per key), so bookkeeping
-- does not empty the caches.
CREATE FUNCTION "nexatron_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('nexatron_changes', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "api_keys_change_notice" AFTER INSERT OR DELETE ON "api_keys" FOR EACH STATEMENT EXECUTE FUNCTION "nexatron_notify_change"();
--> statement-breakpoint
-- Every column but last_used_at: a new column is covered without touching this list.
CREATE TRIGGER "api_keys_update_notice" AFTER UPDATE ON "api_keys" FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
  EXECUTE FUNCTION "nexatron_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "api_keys_truncate_notice" AFTER TRUNCATE ON "api_keys" FOR EACH STATEMENT EXECUTE FUNCTION "nexatron_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "users_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "users" FOR EACH STATEMENT EXECUTE FUNCTION "nexatron_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "groups_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "groups" FOR EACH STATEMENT EXECUTE FUNCTION "nexatron_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "group_members_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "group_members" FOR EACH STATEMENT EXECUTE FUNCTION "nexatron_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "tenants_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "tenants" FOR EACH STATEMENT EXECUTE FUNCTION "nexatron_notify_change"();
--> statement-breakpoint
CREATE TRIGGER "connections_change_notice" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "connections" FOR EACH STATEMENT EXECUTE FUNCTION "nexatron_notify_change"();

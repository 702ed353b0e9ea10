ALTER TABLE "connections" ADD COLUMN "layer_version" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Every write to a connection's semantic layer or access policies, whichever
-- code path (or person with psql) makes it, gives the connection a new
-- layer_version in the same transaction: a cached layer is current exactly
-- while the version it was loaded at is the connection's. Versions come from a
-- sequence, not a counter, because a sequence never hands a number out twice:
-- a layer read inside a transaction that then rolled back carries a version no
-- committed write will ever have.
CREATE SEQUENCE "nexatron_layer_version_seq";
--> statement-breakpoint
CREATE FUNCTION "nexatron_bump_layer_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE "connections" SET "layer_version" = nextval('nexatron_layer_version_seq') WHERE "id" = OLD."connection_id";
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."connection_id" IS DISTINCT FROM OLD."connection_id") THEN
    UPDATE "connections" SET "layer_version" = nextval('nexatron_layer_version_seq') WHERE "id" = NEW."connection_id";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "semantic_models_layer_version" AFTER INSERT OR UPDATE OR DELETE ON "semantic_models" FOR EACH ROW EXECUTE FUNCTION "nexatron_bump_layer_version"();
--> statement-breakpoint
CREATE TRIGGER "semantic_dimensions_layer_version" AFTER INSERT OR UPDATE OR DELETE ON "semantic_dimensions" FOR EACH ROW EXECUTE FUNCTION "nexatron_bump_layer_version"();
--> statement-breakpoint
CREATE TRIGGER "semantic_metrics_layer_version" AFTER INSERT OR UPDATE OR DELETE ON "semantic_metrics" FOR EACH ROW EXECUTE FUNCTION "nexatron_bump_layer_version"();
--> statement-breakpoint
CREATE TRIGGER "semantic_projects_layer_version" AFTER INSERT OR UPDATE OR DELETE ON "semantic_projects" FOR EACH ROW EXECUTE FUNCTION "nexatron_bump_layer_version"();
--> statement-breakpoint
CREATE TRIGGER "access_policies_layer_version" AFTER INSERT OR UPDATE OR DELETE ON "access_policies" FOR EACH ROW EXECUTE FUNCTION "nexatron_bump_layer_version"();

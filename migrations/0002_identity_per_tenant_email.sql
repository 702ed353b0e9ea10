DROP INDEX "users_email_uq";--> statement-breakpoint
ALTER TABLE "scim_tokens" ADD COLUMN "scopes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "users_tenant_email_uq" ON "users" USING btree ("tenant_id",lower("email"));--> statement-breakpoint
-- SCIM tokens made before this migration get their creator's scopes as they stand now (a live key's, `*` for an active admin user); any other keeps none and grants nothing until rotated.
UPDATE "scim_tokens" s SET "scopes" = k."scopes" FROM "api_keys" k WHERE k."id" = s."created_by" AND k."tenant_id" = s."tenant_id" AND k."revoked_at" IS NULL AND (k."expires_at" IS NULL OR k."expires_at" > now()) AND (k."owner_user_id" IS NULL OR EXISTS (SELECT 1 FROM "users" u WHERE u."id" = k."owner_user_id" AND u."role" = 'admin' AND NOT u."disabled"));--> statement-breakpoint
UPDATE "scim_tokens" s SET "scopes" = '["*"]'::jsonb FROM "users" u WHERE u."id" = s."created_by" AND u."tenant_id" = s."tenant_id" AND u."role" = 'admin' AND NOT u."disabled";

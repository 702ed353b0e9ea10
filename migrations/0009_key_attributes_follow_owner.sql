ALTER TABLE "api_keys" ALTER COLUMN "attributes" DROP NOT NULL;--> statement-breakpoint
-- A user's key read a copy of its owner's attributes taken when it was made.
-- It now reads its owner's as they stand (null). Keys whose copy still equals
-- the owner's attributes follow from here on; a key whose attributes differ
-- was pinned by an admin, or its owner's changed since: it keeps them pinned
-- (PATCH /api/v1/api-keys/{id} with "attributes": null makes it follow).
UPDATE "api_keys" SET "attributes" = NULL
FROM "users"
WHERE "api_keys"."owner_user_id" = "users"."id" AND "api_keys"."tenant_id" = "users"."tenant_id"
  AND "api_keys"."attributes" = "users"."attributes";

-- Who made a password reset link: the link works only while that person could still make it
-- (an admin of the workspace, an owner for an owner's account). Operator links (CLI) have none.
ALTER TABLE "password_reset_tokens" ADD COLUMN "created_by" uuid REFERENCES "users"("id") ON DELETE set null;
--> statement-breakpoint
CREATE INDEX "password_reset_tokens_created_by_idx" ON "password_reset_tokens" ("created_by") WHERE "used_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "invitations_invited_by_idx" ON "invitations" ("invited_by") WHERE "accepted_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "api_keys_created_by_idx" ON "api_keys" ("created_by");

-- Named secrets of a workspace (API tokens, the AI key), sealed by the server with its app
-- secret and only ever sent to the hosts they were saved for.
CREATE TABLE "workspace_credentials" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "name" text NOT NULL,
  "sealed_value" text NOT NULL,
  "allowed_hosts" text[] NOT NULL,
  "created_by" uuid REFERENCES "users"("id") ON DELETE set null,
  "created_at" timestamptz DEFAULT now() NOT NULL,
  "updated_at" timestamptz DEFAULT now() NOT NULL,
  CONSTRAINT "workspace_credentials_hosts_present" CHECK (cardinality("allowed_hosts") > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_credentials_workspace_name_key" ON "workspace_credentials" ("workspace_id", "name");
--> statement-breakpoint
-- The AI key moves into the credential "ai", still sealed (the same sealing, so no key is needed
-- here), allowed only to the host of the base URL it was saved with (OpenAI's when none).
INSERT INTO "workspace_credentials" ("workspace_id", "name", "sealed_value", "allowed_hosts")
SELECT w."id", 'ai', w."settings"->'ai'->>'apiKeyEncrypted',
       ARRAY[coalesce(nullif(lower(substring(w."settings"->'ai'->>'baseUrl' from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^]/?#]*\]|[^:/?#]*)')), ''), 'api.openai.com')]
  FROM "workspaces" w
 WHERE w."settings"->'ai'->>'apiKeyEncrypted' IS NOT NULL;
--> statement-breakpoint
UPDATE "workspaces" SET "settings" = jsonb_set("settings", '{ai}', ("settings"->'ai') - 'apiKeyEncrypted')
 WHERE "settings"->'ai' ? 'apiKeyEncrypted';

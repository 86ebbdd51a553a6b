-- A contact (and a conversation's transcript) on its way to HubSpot or the owner's CRM webhook. A
-- step records the row and its job in its own transaction; the job writes the outcome here. The
-- dedupe key makes a second request for the same thing (a retried job, a resolved conversation
-- pushed once) a no-op.
CREATE TABLE "crm_pushes" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "contact_id" uuid NOT NULL REFERENCES "contacts"("id") ON DELETE cascade,
  "conversation_id" uuid REFERENCES "conversations"("id") ON DELETE set null,
  "target" text NOT NULL,
  "request" jsonb DEFAULT '{}'::jsonb NOT NULL,
  "dedupe_key" text,
  "status" text DEFAULT 'queued' NOT NULL,
  "attempts" integer DEFAULT 0 NOT NULL,
  "record_id" text,
  "error" text,
  "created_at" timestamptz DEFAULT now() NOT NULL,
  "updated_at" timestamptz DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "crm_pushes_dedupe_idx" ON "crm_pushes" ("workspace_id", "dedupe_key");
--> statement-breakpoint
CREATE INDEX "crm_pushes_contact_idx" ON "crm_pushes" ("contact_id", "created_at");

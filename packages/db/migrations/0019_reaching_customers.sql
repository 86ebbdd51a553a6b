-- A contact who texted STOP (or a word the workspace added) on a channel gets nothing more there
-- from flows or broadcasts until they text START. One row per contact and channel.
CREATE TABLE "contact_opt_outs" (
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "contact_id" uuid NOT NULL REFERENCES "contacts"("id") ON DELETE cascade,
  "channel_id" uuid NOT NULL REFERENCES "channels"("id") ON DELETE cascade,
  "keyword" text NOT NULL,
  "opted_out_at" timestamptz DEFAULT now() NOT NULL,
  PRIMARY KEY ("contact_id", "channel_id")
);
--> statement-breakpoint
CREATE INDEX "contact_opt_outs_workspace_idx" ON "contact_opt_outs" ("workspace_id");
--> statement-breakpoint
-- A one-off or scheduled send to a segment of contacts on one channel, paced by a job.
CREATE TABLE "broadcasts" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "channel_id" uuid NOT NULL REFERENCES "channels"("id") ON DELETE cascade,
  "name" text NOT NULL,
  "text" text DEFAULT '' NOT NULL,
  "whatsapp_template" jsonb,
  "segment" jsonb DEFAULT '{}'::jsonb NOT NULL,
  "send_rate_per_second" integer NOT NULL,
  "status" text DEFAULT 'scheduled' NOT NULL,
  "scheduled_at" timestamptz DEFAULT now() NOT NULL,
  "started_at" timestamptz,
  "finished_at" timestamptz,
  "created_by" uuid REFERENCES "users"("id") ON DELETE set null,
  "created_at" timestamptz DEFAULT now() NOT NULL,
  "updated_at" timestamptz DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "broadcasts_workspace_idx" ON "broadcasts" ("workspace_id", "created_at");
--> statement-breakpoint
-- One row per broadcast and contact: the unique pair is what makes each contact get it once.
CREATE TABLE "broadcast_recipients" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "broadcast_id" uuid NOT NULL REFERENCES "broadcasts"("id") ON DELETE cascade,
  "contact_id" uuid NOT NULL REFERENCES "contacts"("id") ON DELETE cascade,
  "status" text DEFAULT 'pending' NOT NULL,
  "reason" text,
  "message_id" uuid REFERENCES "messages"("id") ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_recipients_contact_key" ON "broadcast_recipients" ("broadcast_id", "contact_id");
--> statement-breakpoint
CREATE INDEX "broadcast_recipients_pending_idx" ON "broadcast_recipients" ("broadcast_id", "id") WHERE "status" = 'pending';
--> statement-breakpoint
-- WhatsApp message templates as Meta last reported them for the channel's business account.
CREATE TABLE "whatsapp_templates" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "channel_id" uuid NOT NULL REFERENCES "channels"("id") ON DELETE cascade,
  "name" text NOT NULL,
  "language" text NOT NULL,
  "status" text NOT NULL,
  "category" text,
  "parameter_format" text DEFAULT 'POSITIONAL' NOT NULL,
  "components" jsonb DEFAULT '[]'::jsonb NOT NULL,
  "synced_at" timestamptz DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_templates_channel_name_key" ON "whatsapp_templates" ("channel_id", "name", "language");

-- Files in the media store: inbound attachments downloaded from providers, uploads by agents and
-- widget visitors, generated QR codes. The bytes live on disk or in S3 under storage_key.
CREATE TABLE "media_files" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "conversation_id" uuid REFERENCES "conversations"("id") ON DELETE cascade,
  "storage_key" text NOT NULL,
  "content_type" text NOT NULL,
  "file_name" text,
  "size" bigint NOT NULL,
  "uploaded_by" text,
  "created_at" timestamptz DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "media_files_conversation_idx" ON "media_files" ("conversation_id");
--> statement-breakpoint
CREATE INDEX "media_files_workspace_idx" ON "media_files" ("workspace_id", "created_at");

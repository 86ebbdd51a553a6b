-- Where a website chat was last seen installed: the host of the page that last opened the widget
-- and when. One row per channel, written at most about once a minute (the server throttles), so a
-- busy site costs no write per page view.
CREATE TABLE "widget_presence" (
  "channel_id" uuid PRIMARY KEY NOT NULL REFERENCES "channels"("id") ON DELETE cascade,
  "workspace_id" uuid NOT NULL REFERENCES "workspaces"("id") ON DELETE cascade,
  "host" text NOT NULL,
  "last_seen_at" timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX "widget_presence_workspace_idx" ON "widget_presence" ("workspace_id");

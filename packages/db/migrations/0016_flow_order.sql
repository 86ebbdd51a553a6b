-- The owner's order of flows: at most one message flow answers a message, the first that matches
-- in this order. New flows take the next value of a sequence, so they go last without a read.
-- Existing flows keep what routing did before the order existed: keyword flows first, then by age.
CREATE SEQUENCE "workflows_position_seq" AS bigint;
--> statement-breakpoint
ALTER TABLE "workflows" ADD COLUMN "position" bigint;
--> statement-breakpoint
UPDATE "workflows" w SET "position" = ordered.n
FROM (
  SELECT f.id, row_number() OVER (
    PARTITION BY f.workspace_id
    ORDER BY jsonb_path_exists(coalesce(v.definition, f.draft), '$.nodes[*] ? (@.type == "trigger.message_received").config.keywords[0]') DESC, f.created_at, f.id
  ) AS n
  FROM "workflows" f LEFT JOIN "workflow_versions" v ON v.id = f.active_version_id
) AS ordered
WHERE w.id = ordered.id;
--> statement-breakpoint
SELECT setval('workflows_position_seq', coalesce((SELECT max("position") FROM "workflows"), 0) + 1, false);
--> statement-breakpoint
ALTER TABLE "workflows" ALTER COLUMN "position" SET DEFAULT nextval('workflows_position_seq'), ALTER COLUMN "position" SET NOT NULL;
--> statement-breakpoint
ALTER SEQUENCE "workflows_position_seq" OWNED BY "workflows"."position";
--> statement-breakpoint
-- No flow answered and no person has replied yet: the customer was told when to expect a person,
-- once, and the inbox counts the conversation as waiting for a person until one replies.
ALTER TABLE "conversations" ADD COLUMN "waiting_for_person_since" timestamptz;
--> statement-breakpoint
CREATE INDEX "conversations_waiting_for_person_idx" ON "conversations" ("workspace_id") WHERE "waiting_for_person_since" IS NOT NULL;
--> statement-breakpoint
-- The queue: conversations handed to a person and not assigned yet, drained oldest first when an
-- agent frees capacity or comes back.
CREATE INDEX "conversations_queue_idx" ON "conversations" ("workspace_id", "waiting_since") WHERE "assignee_id" IS NULL AND "handled_by" = 'human' AND "status" IN ('open', 'pending');

DROP INDEX "conversations_workspace_idx";--> statement-breakpoint
DROP INDEX "run_steps_workspace_idx";--> statement-breakpoint
DROP INDEX "workflow_runs_conversation_idx";--> statement-breakpoint
DROP INDEX "messages_conversation_client_id_key";--> statement-breakpoint
CREATE INDEX "workflow_runs_running_idx" ON "workflow_runs" USING btree ("conversation_id") WHERE "workflow_runs"."status" = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "messages_conversation_client_id_key" ON "messages" USING btree ("conversation_id","client_id") WHERE "messages"."client_id" is not null;
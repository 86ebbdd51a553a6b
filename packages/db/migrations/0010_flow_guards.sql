-- Flow-caused runs (tags, webhooks, schedules) of a contact in the last minute are counted before
-- a tag starts another (flows that re-add each other's tags). Runs a customer's message starts
-- never enter this index, so the reply path pays nothing for it.
CREATE INDEX "workflow_runs_contact_caused_idx" ON "workflow_runs" USING btree ("contact_id","created_at") WHERE ("trigger" ->> 'kind') <> 'message';

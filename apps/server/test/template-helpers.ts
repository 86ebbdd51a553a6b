import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { contacts, conversations, messages } from '@switchboard/db';
import { createWebchat } from './flow-helpers';
import { call, signup, type TestContext } from './helpers';

/** What the template tests read and change of a flow document. */
export type TemplateDoc = { nodes: { id: string; type: string; config: Record<string, any> }[]; edges: unknown[] };

/**
 * The steps every template test takes, bound to its file's test context (read when called, since
 * the context is made in beforeAll).
 */
export function templateSteps(context: () => TestContext) {
  /** A fresh workspace per scenario, so flows of different templates never meet. */
  async function shop(name: string) {
    const ctx = context();
    const owner = await signup(ctx.app, name);
    const channel = await createWebchat(ctx, owner.workspaceId);
    return { owner, channel };
  }

  /**
   * Imports a template through the API, applies `fill` to the draft (PUT; the draft must then have
   * no errors), publishes it; returns its id, its checklist and the published workflow.
   */
  async function install<D extends TemplateDoc = TemplateDoc>(owner: { cookie: string }, slug: string, fill?: (doc: D) => void) {
    const { app } = context();
    const imported = await call(app, 'POST', `/api/templates/${slug}/import`, { cookie: owner.cookie });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const id = imported.body.workflow.id as string;
    if (fill) {
      const definition = structuredClone(imported.body.workflow.definition) as D;
      fill(definition);
      const saved = await call(app, 'PUT', `/api/workflows/${id}`, { cookie: owner.cookie, body: { definition } });
      expect(saved.status).toBe(200);
      expect(saved.body.validation.errors).toEqual([]);
    }
    let published = await call(app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie });
    if (published.body.error?.code === 'sample_details_left') {
      // Refused while the template's sample details (prices, delivery terms) are left, each named;
      // these scenarios drive the flow as shipped, so they choose "Publish anyway".
      const left = (published.body.error.details.placeholders as { nodeId: string }[]).map((p) => p.nodeId);
      const declared = (imported.body.requires as { kind: string; nodeId: string }[])
        .filter((r) => r.kind === 'placeholder')
        .map((r) => r.nodeId);
      expect(left.length).toBeGreaterThan(0);
      expect(declared).toEqual(expect.arrayContaining(left));
      published = await call(app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie, body: { allowSamples: true } });
    }
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    return {
      id,
      requires: imported.body.requires as { kind: string; nodeId?: string; field?: string; label: string }[],
      workflow: published.body.workflow,
    };
  }

  async function conversation(id: string) {
    const [row] = await context().database.db.select().from(conversations).where(eq(conversations.id, id));
    return row!;
  }

  async function contactIn(conversationId: string) {
    const [row] = await context()
      .database.db.select()
      .from(contacts)
      .where(eq(contacts.id, (await conversation(conversationId)).contactId));
    return row!;
  }

  async function botMessages(conversationId: string) {
    const rows = await context()
      .database.db.select()
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(asc(messages.createdAt));
    return rows.filter((r) => r.author === 'bot');
  }

  return { shop, install, conversation, contactIn, botMessages };
}

/** The node `id` of a flow document (the test fails on a missing one at its first use). */
export const nodeOf = <D extends TemplateDoc>(doc: D, id: string): D['nodes'][number] => doc.nodes.find((n) => n.id === id)!;

import { eq } from 'drizzle-orm';
import { knowledgeEntries, type Database, type WorkspaceSettings } from '@switchboard/db';
import type { FlowData, FlowServices, KnowledgeEntry } from '@switchboard/flow';
import { createAiClient, createSafeHttp, createTemplateRenderer, type SafeHttp } from '@switchboard/flow/runtime';
import type { Config } from '../config';
import { unsealJson } from '../services/crypto';

// One renderer per process: its cache of parsed templates is what makes rendering cheap.
export const renderer = createTemplateRenderer();
// One HTTP client per allow-list, so keep-alive connections are reused across runs.
const httpClients = new Map<string, SafeHttp>();
const DEFAULT_AI_MODEL = 'gpt-4o-mini';

function httpFor(allowHosts: string[]): SafeHttp {
  const key = [...allowHosts].sort().join(',');
  let client = httpClients.get(key);
  if (!client) {
    client = createSafeHttp({ allowHosts });
    httpClients.set(key, client);
  }
  return client;
}

export interface FlowServiceOptions {
  db: Database;
  config: Config;
  workspaceId: string;
  settings: WorkspaceSettings;
  data: () => FlowData;
  now?: () => Date;
}

/** What a node handler may do beyond deciding: render, call HTTP, ask the AI, read the FAQ. */
export function createFlowServices(options: FlowServiceOptions): FlowServices {
  const { db, workspaceId, settings } = options;
  let knowledge: Promise<KnowledgeEntry[]> | undefined;
  return {
    now: options.now ?? (() => new Date()),
    render: (template) => renderer.render(template, options.data()),
    http: (req) => httpFor(settings.httpAllowHosts ?? [])(req),
    ai: (req) => {
      const ai = settings.ai;
      if (!ai?.apiKeyEncrypted && !ai?.baseUrl) throw new Error('No AI provider is configured: add one in Settings');
      const apiKey = ai.apiKeyEncrypted ? unsealJson<string>(options.config.appSecret, ai.apiKeyEncrypted) : 'none';
      return createAiClient({ ...(ai.baseUrl ? { baseUrl: ai.baseUrl } : {}), apiKey, model: ai.model ?? DEFAULT_AI_MODEL })(req);
    },
    knowledge: () =>
      (knowledge ??= db
        .select({ id: knowledgeEntries.id, question: knowledgeEntries.question, answer: knowledgeEntries.answer })
        .from(knowledgeEntries)
        .where(eq(knowledgeEntries.workspaceId, workspaceId))),
  };
}

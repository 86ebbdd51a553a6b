import { eq } from 'drizzle-orm';
import { knowledgeEntries, type Database, type WorkspaceSettings } from '@switchboard/db';
import type { FlowData, FlowServices, KnowledgeEntry } from '@switchboard/flow';
import { createAiClient, createSafeHttp, createTemplateRenderer, type SafeHttp } from '@switchboard/flow/runtime';
import type { Config } from '../config';
import { AI_CREDENTIAL, aiHost, findCredential, unsealFor } from '../services/credentials';
import { createCredentialVault } from './credential-vault';

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
  const credentials = createCredentialVault(db, options.config.appSecret, workspaceId);
  return {
    now: options.now ?? (() => new Date()),
    render: (template, scope) => renderer.render(template, options.data(), scope),
    credentials,
    http: (req) => {
      // The step checked already; checked here again so no caller can send a credential elsewhere.
      credentials.release(req.url);
      credentials.noteSent(req);
      return httpFor(settings.httpAllowHosts ?? [])(req);
    },
    ai: async (req) => {
      const ai = settings.ai;
      const host = aiHost(ai?.baseUrl);
      const credential = await findCredential(db, workspaceId, AI_CREDENTIAL);
      if (!credential && !ai?.baseUrl) throw new Error('No AI provider is configured: add one in Settings');
      const apiKey = credential ? unsealFor(credential, options.config.appSecret, host) : 'none';
      // Saving a new base URL deletes a key bound elsewhere; this refuses one that slipped past.
      if (apiKey === null) throw new Error(`The AI key may only be sent to ${credential!.allowedHosts.join(', ')}: enter it again in Settings for ${host}`);
      return createAiClient({ ...(ai?.baseUrl ? { baseUrl: ai.baseUrl } : {}), apiKey, model: ai?.model ?? DEFAULT_AI_MODEL })(req);
    },
    knowledge: () =>
      (knowledge ??= db
        .select({ id: knowledgeEntries.id, question: knowledgeEntries.question, answer: knowledgeEntries.answer })
        .from(knowledgeEntries)
        .where(eq(knowledgeEntries.workspaceId, workspaceId))),
  };
}

import { eq } from 'drizzle-orm';
import { knowledgeEntries, type Database, type WorkspaceSettings } from '@switchboard/db';
import { AiNotConnectedError, type FlowData, type FlowServices, type KnowledgeEntry } from '@switchboard/flow';
import {
  createAiChatClient,
  createAiClient,
  createSafeHttp,
  createTemplateRenderer,
  type AiClientOptions,
} from '@switchboard/flow/runtime';
import type { Config } from '../config';
import { egressFor } from '../egress';
import { AI_CREDENTIAL, aiHost, findCredential, unsealFor } from '../services/credentials';
import { createCredentialVault } from './credential-vault';
import { hearCustomer } from './hear-customer';

// One renderer per process: its cache of parsed templates is what makes rendering cheap.
export const renderer = createTemplateRenderer();
export const DEFAULT_AI_MODEL = 'gpt-4o-mini';

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
  // The process's guard (kept-alive connections shared by all runs); the workspace's own list
  // of hosts can only narrow what the operator allows.
  const egress = egressFor(options.config);
  const http = createSafeHttp({ egress, onlyHosts: settings.httpAllowHosts ?? [] });
  const credentials = createCredentialVault(db, options.config.appSecret, workspaceId);
  /** The workspace's model, key and base URL, or why the AI cannot be used. */
  const aiConnection = async (): Promise<AiClientOptions> => {
    const ai = settings.ai;
    const host = aiHost(ai?.baseUrl);
    const credential = await findCredential(db, workspaceId, AI_CREDENTIAL);
    // Said on the run as it is, so the owner reads what to do rather than "AI unavailable".
    if (!credential && !ai?.baseUrl) throw new AiNotConnectedError();
    const apiKey = credential ? unsealFor(credential, options.config.appSecret, host) : 'none';
    // Saving a new base URL deletes a key bound elsewhere; this refuses one that slipped past.
    if (apiKey === null)
      throw new AiNotConnectedError(
        `AI is not connected: the saved key may only be sent to ${credential!.allowedHosts.join(', ')}; enter it again in Settings → AI for ${host}`,
      );
    return { ...(ai?.baseUrl ? { baseUrl: ai.baseUrl } : {}), apiKey, model: ai?.model ?? DEFAULT_AI_MODEL, egress };
  };
  return {
    now: options.now ?? (() => new Date()),
    render: (template, scope) => renderer.render(template, options.data(), scope),
    credentials,
    http: (req) => {
      // The step checked already; checked here again so no caller can send a credential elsewhere.
      credentials.release(req.url);
      credentials.noteSent(req);
      return http(req);
    },
    ai: async (req) => createAiClient(await aiConnection())(req),
    aiChat: async (req) => createAiChatClient(await aiConnection())(req),
    knowledge: () =>
      (knowledge ??= db
        .select({ id: knowledgeEntries.id, question: knowledgeEntries.question, answer: knowledgeEntries.answer })
        .from(knowledgeEntries)
        .where(eq(knowledgeEntries.workspaceId, workspaceId))),
    hearCustomer: async (step) => {
      const conversation = options.data().conversation;
      // A person has the conversation: what the customer writes is theirs, not the agent's.
      if (!conversation || conversation.handledBy !== 'bot') return [];
      return hearCustomer(
        db,
        { workspaceId, conversationId: conversation.id, channelType: conversation.channelType, consent: settings.consent ?? {} },
        step,
      );
    },
  };
}

import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { TestResponse, testResponseHints } from '../test-response';

const UpsertContact = z.object({
  operation: z.literal('upsert_contact'),
  name: z.string().optional().describe('Name'),
  email: z.string().optional().describe('Email'),
  phone: z.string().optional().describe('Phone'),
  attributes: z.record(z.string(), z.string()).optional().describe('Custom attributes'),
});
const LogTranscript = z.object({
  operation: z.literal('log_transcript'),
  title: z.string().optional().describe('Title of the timeline entry'),
});
const PushHubspot = z.object({
  operation: z.literal('push_hubspot'),
  note: z.string().optional().describe('Note to attach to the HubSpot contact'),
  testResponse: TestResponse.optional(),
});
const PushWebhook = z.object({
  operation: z.literal('push_webhook'),
  url: z.string().min(1, 'Give the address to send the contact to.').describe('Address (https://…)'),
  headers: z.record(z.string(), z.string()).optional().describe('Headers, e.g. Authorization: Bearer {{ secrets.crm }}'),
  note: z.string().optional().describe('Note sent with the contact'),
  testResponse: TestResponse.optional(),
});

export const CrmConfig = z.discriminatedUnion('operation', [UpsertContact, LogTranscript, PushHubspot, PushWebhook]);
export type CrmConfig = z.infer<typeof CrmConfig>;

export const crmDefinition = defineNode({
  type: 'action.crm',
  kind: 'action',
  label: 'CRM',
  icon: 'contact',
  description:
    'Updates the contact record, logs the conversation to the contact timeline, or pushes the contact (by its verified email or phone) with a note and the conversation\'s transcript to HubSpot (the credential "hubspot" in Settings → Credentials) or as signed JSON to a webhook of yours (signed with the credential "crm_webhook_signing"). Pushes are sent in the background and retried; the outcome shows on the contact\'s timeline. A test in the simulator pushes nothing.',
  config: CrmConfig,
  outputs: [NEXT],
  defaults: { operation: 'log_transcript' },
  fields: {
    operation: { widget: 'select' },
    name: { widget: 'template' },
    email: { widget: 'template' },
    phone: { widget: 'template' },
    attributes: { widget: 'keyvalue' },
    title: { widget: 'template' },
    note: { widget: 'multiline' },
    url: { widget: 'template' },
    headers: { widget: 'keyvalue' },
    testResponse: testResponseHints.testResponse,
  },
  callsOut: true,
  // A push's note is kept on the contact's timeline too: only the address and headers.
  credentialFields: (field) => field === 'url' || field.startsWith('headers.'),
  summary: (c) => (c.operation ?? '').replace(/_/g, ' '),
});

import { z } from 'zod';
import { defineNode } from '../define';
import { TestResponse, testResponseHints } from '../test-response';
import { cut } from '../summary-text';

export const HttpRequestConfig = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).describe('Method'),
  url: z.string().min(1, 'Give the address to call.').describe('Address (https://…, placeholders allowed)'),
  headers: z.record(z.string(), z.string()).optional().describe('Headers'),
  body: z.string().optional().describe('Body (placeholders allowed)'),
  timeoutMs: z.number().int().min(100).max(30000).optional().describe('Give up after this many milliseconds (default 10000)'),
  saveTo: z
    .string()
    .regex(/^(?:vars\.)?[A-Za-z0-9_]+$/, 'Name the variable with letters, digits and "_", e.g. order.')
    .optional()
    .describe('Variable that receives the response'),
  testResponse: TestResponse.optional(),
  callForReal: z.boolean().optional().describe('Call for real when testing (GET only)'),
});
export type HttpRequestConfig = z.infer<typeof HttpRequestConfig>;

export const httpRequestDefinition = defineNode({
  type: 'action.http_request',
  kind: 'action',
  label: 'HTTP request',
  icon: 'globe',
  description:
    'Calls another system. The response is saved in a variable: {{ vars.NAME.status }} and {{ vars.NAME.body }} (parsed when JSON). Goes down "error" on a 4xx/5xx answer or when the call fails ({{ vars.NAME.error }}). A test in the simulator sends nothing: the step answers with its sample response (200 and {} unless you change it); "Call for real" sends GET requests only.',
  config: HttpRequestConfig,
  outputs: ['success', 'error'],
  defaults: { method: 'GET', url: 'https://', saveTo: 'response' },
  fields: {
    url: { widget: 'template' },
    headers: {
      widget: 'keyvalue',
      help: 'Put tokens in Settings → Credentials and write {{ secrets.name }}: they are sent only to the hosts saved with them and never shown or exported.',
    },
    body: { widget: 'template' },
    method: { widget: 'select' },
    ...testResponseHints,
  },
  outputLabels: { success: 'Succeeded', error: 'Failed' },
  callsOut: true,
  credentialFields: (field) => field === 'url' || field === 'body' || field.startsWith('headers.'),
  summary: (c) => cut(`${c.method ?? 'GET'} ${c.url ?? ''}`),
  saves: (c) => {
    const name = c.saveTo?.replace(/^vars\./, '');
    return name ? [`vars.${name}.status`, `vars.${name}.body`] : [];
  },
});

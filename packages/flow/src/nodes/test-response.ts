/**
 * What a step that calls another system answers in a test run instead of calling it: testing a
 * flow must never create a return in the shop or a contact in the CRM. Browser-safe: the
 * definitions, the inspector and the simulator read the same schema and words.
 */
import { z } from 'zod';
import type { FieldHint } from './define';

export const TestResponse = z
  .object({
    status: z
      .number({ error: 'Give the status code the other system would answer, e.g. 200.' })
      .int('The status code is a whole number, e.g. 200.')
      .min(100, 'A status code is between 100 and 599, e.g. 200.')
      .max(599, 'A status code is between 100 and 599, e.g. 200.')
      .describe('Status'),
    body: z.string().max(100_000, 'Keep the sample body under 100,000 characters.').describe('Body'),
  })
  .describe('Sample response for tests');
export type TestResponse = z.infer<typeof TestResponse>;

/** Used when the step has no sample of its own: a success with an empty JSON object. */
export const DEFAULT_TEST_RESPONSE: TestResponse = { status: 200, body: '{}' };

/** Shown in the simulator beside every step that answered with its sample. */
export const SAMPLE_RESPONSE_NOTE = 'Sample response used (no request sent)';

/** Methods that only read: the only ones a test run may send for real, when the step says so. */
export const READ_ONLY_METHODS: readonly string[] = ['GET'];

/** Inspector hints for the two fields, shared by the HTTP request and CRM steps. */
export const testResponseHints = {
  testResponse: {
    widget: 'sample-response',
    help: 'Testing in the simulator never sends this request: the step answers with this status and body instead (default 200 and {}). The live flow calls for real.',
  },
  callForReal: {
    widget: 'switch',
    help: 'Only GET requests, which just read, are sent for real in a test. POST, PUT, PATCH and DELETE always use the sample response.',
  },
} satisfies Record<string, FieldHint>;

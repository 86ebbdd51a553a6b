/**
 * The `http` service one step sees in a test run. A test must not change anything in another
 * system (a "create return" step testing against the real shop would create a return), so every
 * request is answered with the step's sample response and nothing is sent. The one exception is a
 * GET, which only reads, on a step whose "Call for real" switch is on. The step's handler runs
 * unchanged: templates, credentials and the host each credential is bound to are checked as in a
 * live run, only the wire is replaced.
 */
import { DEFAULT_TEST_RESPONSE, READ_ONLY_METHODS, TestResponse } from '../nodes/test-response';
import type { FlowServices, HttpRequest, HttpResponse } from '../types';

export interface SampleHttp {
  http: FlowServices['http'];
  /** Status codes of the sample answers given so far, in order (empty: nothing was stood in for). */
  sampled: number[];
}

function testSettings(config: unknown): { sample: TestResponse; callForReal: boolean } {
  const c = config && typeof config === 'object' ? (config as Record<string, unknown>) : {};
  const sample = TestResponse.safeParse(c.testResponse);
  return { sample: sample.success ? sample.data : DEFAULT_TEST_RESPONSE, callForReal: c.callForReal === true };
}

// The body decides the content type, as a real server's header would: JSON-looking text is JSON.
const contentType = (body: string) => (/^\s*[[{]/.test(body) ? 'application/json' : 'text/plain; charset=utf-8');

/** Wraps `real` for the step whose parsed config is `config`. */
export function sampleHttp(config: unknown, real: FlowServices['http']): SampleHttp {
  const { sample, callForReal } = testSettings(config);
  const sampled: number[] = [];
  const http = async (req: HttpRequest): Promise<HttpResponse> => {
    // A request carrying its own settings (one of an AI agent's tools) is judged by them.
    const own = req.sample ? testSettings(req.sample) : { sample, callForReal };
    const { sample: wanted, callForReal: forReal } = own;
    if (forReal && READ_ONLY_METHODS.includes(req.method.toUpperCase())) {
      const { sample: _unsent, ...sent } = req;
      return real(sent);
    }
    req.signal?.throwIfAborted();
    sampled.push(wanted.status);
    return { status: wanted.status, headers: { 'content-type': contentType(wanted.body) }, body: wanted.body };
  };
  return { http, sampled };
}

/** Handler contexts for tests: real renderer, services refusing unless a test passes real ones. */
import { makeData, makeServices, type DataOverrides } from '../runtime/flow-data';
import type { FlowServices, HandlerContext } from '../types';

export { makeContact, makeConversation, makeData, makeMessage, makeServices } from '../runtime/flow-data';

export function makeContext(
  o: DataOverrides & { services?: Partial<FlowServices>; resume?: HandlerContext['resume']; nodeState?: Record<string, unknown> } = {},
): HandlerContext {
  const data = makeData(o);
  return { data, resume: o.resume, nodeState: o.nodeState, services: makeServices(() => data, o.services) };
}

import type { NodeHandler } from '../../types';
import { next, renderAll } from '../result';
import type { NoteConfig } from './definition';

/** Adds a private note, rendered, to the conversation. */
export const note: NodeHandler<NoteConfig> = async (config, ctx) => {
  const r = await renderAll(ctx, { text: config.text });
  if ('failed' in r) return r.failed;
  return next([{ type: 'note', text: r.values.text }]);
};

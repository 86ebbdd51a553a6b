import type { Effect, HandlerContext, StepResult } from '../../types';
import { misconfigured, renderAll } from '../result';
import type { SendMessageConfig } from './definition';
import { isHttpUrl } from './window';

const FLOW_FILE = /^media:[0-9a-f-]{36}$/i;

type Extras = Pick<Extract<Effect, { type: 'send_message' }>, 'attachments' | 'qrCode' | 'location'>;

/**
 * The send step's files beyond `mediaUrl`, its QR code text and its place, rendered. A file that
 * is not a web address, or a QR code that comes out empty, is a configuration problem.
 */
export async function extraMedia(config: SendMessageConfig, ctx: HandlerContext): Promise<{ values: Extras } | { failed: StepResult }> {
  const values: Extras = {};
  const links = config.attachments ?? [];
  if (links.length) {
    const r = await renderAll(ctx, Object.fromEntries(links.map((link, i) => [`attachments.${i}`, link])));
    if ('failed' in r) return r;
    const rendered = links.map((_, i) => r.values[`attachments.${i}`]!.trim()).filter(Boolean);
    // A file uploaded for the flow is named by its stable `media:<id>` reference.
    const bad = rendered.findIndex((url) => !isHttpUrl(url) && !FLOW_FILE.test(url));
    if (bad >= 0)
      return {
        failed: misconfigured(`attachments.${bad}`, 'Each file must be a web address starting with https://, or a file uploaded here.'),
      };
    if (rendered.length) values.attachments = rendered;
  }
  if (config.qrCode !== undefined) {
    const r = await renderAll(ctx, { qrCode: config.qrCode });
    if ('failed' in r) return r;
    const text = r.values.qrCode!.trim();
    if (!text) return { failed: misconfigured('qrCode', 'The QR code text is empty once its placeholders are filled in.') };
    values.qrCode = text;
  }
  if (config.location) values.location = config.location;
  return { values };
}

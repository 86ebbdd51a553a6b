import type { Effect, NodeHandler } from '../../types';
import { misconfigured, next, renderAll } from '../result';
import type { SendMessageConfig } from './definition';
import { extraMedia } from './extra-media';
import { isHttpUrl, isWindowOpen } from './window';

/**
 * Sends the rendered text (with media and buttons). On WhatsApp with the 24-hour window closed
 * the approved template goes instead; without one, that is a configuration problem to fix.
 */
export const sendMessage: NodeHandler<SendMessageConfig> = async (config, ctx) => {
  const r = await renderAll(ctx, { text: config.text, mediaUrl: config.mediaUrl });
  if ('failed' in r) return r.failed;
  const { text, mediaUrl } = r.values;
  if (!text.trim()) return misconfigured('text', 'The message is empty once its placeholders are filled in.');
  const effect: Extract<Effect, { type: 'send_message' }> = { type: 'send_message', text };
  if (mediaUrl) {
    if (!isHttpUrl(mediaUrl)) return misconfigured('mediaUrl', 'The picture or file must be a web address starting with https://.');
    effect.mediaUrl = mediaUrl;
  }
  const extras = await extraMedia(config, ctx);
  if ('failed' in extras) return extras.failed;
  Object.assign(effect, extras.values);
  if (config.quickReplies?.length) effect.quickReplies = config.quickReplies;

  const conv = ctx.data.conversation;
  if (conv?.channelType === 'whatsapp' && !isWindowOpen(conv.lastInboundAt, ctx.services.now())) {
    const tpl = config.whatsappTemplate;
    if (!tpl) {
      return misconfigured(
        'whatsappTemplate',
        'The customer last wrote more than 24 hours ago, so WhatsApp only delivers an approved template. Add a WhatsApp template to this step.',
      );
    }
    const render = async (field: string, value: string) => {
      const rv = await renderAll(ctx, { [field]: value });
      return 'failed' in rv ? rv : { value: Object.values(rv.values)[0] ?? '' };
    };
    const variables: string[] = [];
    for (const [i, v] of (tpl.variables ?? []).entries()) {
      const r = await render(`whatsappTemplate.variables.${i}`, v);
      if ('failed' in r) return r.failed;
      variables.push(r.value);
    }
    effect.whatsappTemplate = { name: tpl.name, language: tpl.language, variables };
    if (tpl.parameterNames?.length) effect.whatsappTemplate.parameterNames = tpl.parameterNames;
    if (tpl.headerMedia) {
      const r = await render('whatsappTemplate.headerMedia.link', tpl.headerMedia.link);
      if ('failed' in r) return r.failed;
      if (!isHttpUrl(r.value))
        return misconfigured(
          'whatsappTemplate.headerMedia.link',
          "The template's header link must be a web address starting with https://.",
        );
      effect.whatsappTemplate.headerMedia = { type: tpl.headerMedia.type, link: r.value };
    }
    if (tpl.buttons?.length) {
      const buttons: NonNullable<typeof effect.whatsappTemplate.buttons> = [];
      for (const [i, b] of tpl.buttons.entries()) {
        const r = await render(`whatsappTemplate.buttons.${i}.value`, b.value);
        if ('failed' in r) return r.failed;
        // A link button without a dynamic ending takes no value.
        if (r.value !== '') buttons.push({ subType: b.subType, index: b.index, value: r.value });
      }
      if (buttons.length) effect.whatsappTemplate.buttons = buttons;
    }
  }
  return next([effect]);
};

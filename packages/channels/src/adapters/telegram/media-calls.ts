import { mediaKind } from '../../outbound-media';
import type { OutboundAttachment, OutboundLocation } from '../../types';

type Call = [method: string, body: Record<string, unknown>];

const METHODS = {
  image: ['sendPhoto', 'photo'],
  video: ['sendVideo', 'video'],
  audio: ['sendAudio', 'audio'],
  document: ['sendDocument', 'document'],
} as const;

/**
 * The Bot API call for one file, by its type: a PDF goes by sendDocument (sendPhoto would refuse
 * it). Telegram fetches the link itself.
 */
export function telegramMediaCall(chatId: string, file: OutboundAttachment, caption?: string): Call {
  const [method, field] = METHODS[mediaKind(file)];
  return [method, { chat_id: chatId, [field]: file.url, ...(caption && { caption }) }];
}

/** sendVenue when the place has a name and an address (Telegram shows both), else sendLocation. */
export function telegramLocationCall(chatId: string, location: OutboundLocation): Call {
  const point = { chat_id: chatId, latitude: location.latitude, longitude: location.longitude };
  return location.name && location.address
    ? ['sendVenue', { ...point, title: location.name, address: location.address }]
    : ['sendLocation', point];
}

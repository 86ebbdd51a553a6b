import { defineChannel } from '../../facts';
import { MessengerConfig } from './config';

export const messengerFacts = defineChannel({
  type: 'messenger',
  config: MessengerConfig,
  label: 'Messenger',
  icon: 'message-square',
  blurb: 'Your Facebook page inbox',
  setupHelp: 'In Meta for Developers: Messenger → Settings → Webhooks → Callback URL.',
  secretFields: ['pageAccessToken', 'appSecret'],
  outsideWindow: 'human_agent',
  form: {
    pageId: { label: 'Facebook page ID' },
    pageAccessToken: { label: 'Page access token' },
    appSecret: { label: 'App secret', help: 'App settings → Basic.' },
    verifyToken: { label: 'Verify token', help: "Any word you choose; paste the same in Meta's webhook settings." },
  },
});

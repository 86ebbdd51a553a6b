import { defineChannel } from '../../facts';
import { InstagramConfig } from './config';

export const instagramFacts = defineChannel({
  type: 'instagram',
  config: InstagramConfig,
  label: 'Instagram',
  icon: 'camera',
  blurb: 'Instagram direct messages',
  setupHelp: 'In Meta for Developers: Instagram → Webhooks → Callback URL.',
  secretFields: ['pageAccessToken', 'appSecret'],
  outsideWindow: 'human_agent',
  form: {
    pageId: { label: 'Connected Facebook page ID' },
    pageAccessToken: { label: 'Page access token' },
    appSecret: { label: 'App secret', help: 'App settings → Basic.' },
    verifyToken: { label: 'Verify token', help: "Any word you choose; paste the same in Meta's webhook settings." },
  },
});

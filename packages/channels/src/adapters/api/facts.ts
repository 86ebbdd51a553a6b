import { defineChannel } from '../../facts';
import { ApiConfig } from './config';

export const apiFacts = defineChannel({
  type: 'api',
  config: ApiConfig,
  label: 'Custom (API)',
  icon: 'webhook',
  blurb: 'Connect your own system',
  setupHelp: 'Your system POSTs customer messages here, signed with the secret.',
  secretFields: ['secret'],
  generatedFields: ['secret'],
  outsideWindow: 'free',
  form: {
    callbackUrl: {
      label: 'Callback address',
      help: 'Where Switchboard sends your replies (a signed POST).',
      placeholder: 'https://your-system.example/switchboard',
    },
  },
});

import { defineChannel } from '../../facts';
import { TwilioConfig } from './config';

export const twilioFacts = defineChannel({
  type: 'twilio',
  config: TwilioConfig,
  label: 'SMS (Twilio)',
  icon: 'smartphone',
  blurb: 'Text messages through Twilio',
  setupHelp: 'In Twilio: Phone Numbers → your number → Messaging → "A message comes in" (HTTP POST).',
  secretFields: ['authToken'],
  outsideWindow: 'free',
  // A `whatsapp:+…` sender follows WhatsApp's rule: an approved template after 24 hours.
  outsideWindowFor: (config) => (config.from?.startsWith('whatsapp:') ? 'template' : 'free'),
  form: {
    accountSid: { label: 'Account SID', help: 'In the Twilio console, on the account dashboard.' },
    authToken: { label: 'Auth token' },
    from: {
      label: 'Your Twilio phone number',
      help: 'Or whatsapp:+15551234567 for a WhatsApp sender, or a Messaging Service SID (MG…).',
      placeholder: '+15551234567',
    },
    phoneNumber: {
      label: 'Connect this number (optional)',
      help: 'Its SID (PN…) or +15551234567: saving points its "A message comes in" URL at this channel.',
      placeholder: '+15551234567',
    },
  },
});

import { defineChannel } from '../../facts';
import { WebchatConfig } from './config';

export const webchatFacts = defineChannel({
  type: 'webchat',
  config: WebchatConfig,
  label: 'Website chat',
  icon: 'message-circle',
  blurb: 'A chat bubble on your website',
  setupHelp: 'Paste the snippet before </body> on every page where the chat bubble should appear.',
  secretFields: ['identitySecret'],
  generatedFields: ['identitySecret'],
  outsideWindow: 'free',
  // The bubble's look is set on the channel card once connected; the identity secret is generated.
  form: {},
});

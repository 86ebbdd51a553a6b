import { defineChannel } from '../../facts';
import { TelegramConfig } from './config';

export const telegramFacts = defineChannel({
  type: 'telegram',
  config: TelegramConfig,
  label: 'Telegram',
  icon: 'send',
  blurb: 'A Telegram bot',
  setupHelp: 'Switchboard registers this with Telegram for you; nothing to paste.',
  secretFields: ['botToken', 'secretToken'],
  outsideWindow: 'free',
  form: {
    botToken: { label: 'Bot token', help: 'From @BotFather in Telegram.' },
    secretToken: {
      label: 'Secret word',
      help: 'Any word you choose (letters, digits, - and _); Telegram sends it back so we know the message is real.',
    },
  },
});

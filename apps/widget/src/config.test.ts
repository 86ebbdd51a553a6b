import { expect, test } from 'vitest';
import { readConfig } from './config';

const attrs = (a: Record<string, string>) => (name: string) => a[name] ?? null;
const isColor = (v: string) => /^#[0-9a-f]{3,8}$/i.test(v);

test('the API origin is the script origin, and the tag attributes fill the rest', () => {
  const config = readConfig(
    attrs({ 'data-channel': 'ch_1', 'data-title': 'Bakery', 'data-greeting': 'Hi!', 'data-color': '#0a7d4f' }),
    'https://chat.example.com:8443/widget.js?v=3',
    isColor,
  );
  expect(config).toEqual({
    channelId: 'ch_1',
    apiOrigin: 'https://chat.example.com:8443',
    title: 'Bakery',
    greeting: 'Hi!',
    color: '#0a7d4f',
    position: 'right',
  });
});

test("the owner's look from the server fills what the tag leaves out; the tag's attributes win", () => {
  const look = {
    title: 'Sunrise Bakery',
    greeting: 'Hello!',
    color: '#b45309',
    position: 'left',
    replyTime: 'We reply within the hour',
    avatarUrl: 'https://cdn.example/rosa.png',
  };
  expect(readConfig(attrs({ 'data-channel': 'ch_1' }), 'https://h/widget.js', isColor, look)).toEqual({
    channelId: 'ch_1',
    apiOrigin: 'https://h',
    ...look,
  });
  const tagged = readConfig(
    attrs({ 'data-channel': 'ch_1', 'data-title': 'Shop', 'data-color': '#000000' }),
    'https://h/widget.js',
    isColor,
    look,
  );
  expect(tagged).toMatchObject({ title: 'Shop', color: '#000000', greeting: 'Hello!', position: 'left' });
});

test('hostile or malformed look values fall back instead of reaching the page', () => {
  const config = readConfig(attrs({ 'data-channel': 'ch_1' }), 'https://h/widget.js', isColor, {
    title: 42,
    greeting: { text: 'x' },
    color: 'red;background:url(x)',
    position: 'top',
    avatarUrl: 'javascript:alert(1)',
    replyTime: '   ',
  });
  expect(config).toEqual({
    channelId: 'ch_1',
    apiOrigin: 'https://h',
    title: 'Chat with us',
    greeting: undefined,
    color: '#2563eb',
    position: 'right',
  });
  expect(
    readConfig(attrs({ 'data-channel': 'ch_1' }), 'https://h/widget.js', isColor, { avatarUrl: 'data:image/png;base64,AA' })?.avatarUrl,
  ).toBeUndefined();
});

test('defaults, an invalid colour, and a tag without a channel', () => {
  const config = readConfig(attrs({ 'data-channel': 'ch_1', 'data-color': 'red;x' }), 'https://h/widget.js', isColor);
  expect(config).toMatchObject({ title: 'Chat with us', greeting: undefined, color: '#2563eb' });
  expect(readConfig(attrs({}), 'https://h/widget.js', isColor)).toBeUndefined();
});

test('a logged-in user from data-user-id and data-user-hash, only when both are there', () => {
  const both = readConfig(
    attrs({ 'data-channel': 'ch_1', 'data-user-id': ' u-42 ', 'data-user-hash': 'ab12' }),
    'https://h/widget.js',
    isColor,
  );
  expect(both?.user).toEqual({ userId: 'u-42', userHash: 'ab12' });
  expect(readConfig(attrs({ 'data-channel': 'ch_1', 'data-user-id': 'u-42' }), 'https://h/widget.js', isColor)?.user).toBeUndefined();
});

import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The DATA section, dot-unstuffed. */
  data: string;
  user?: string;
}

/**
 * A small SMTP server (RFC 5321) on 127.0.0.1: EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET,
 * NOOP, QUIT; no TLS. Recipients `busy@...` get 451 (try later) and `nobody@...` 550 (no such
 * mailbox), the two answers a sender must tell apart.
 */
export async function startSmtpStandIn(credentials: { user: string; pass: string }) {
  const mails: ReceivedMail[] = [];
  const server = createServer((socket) => session(socket, credentials, mails));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function session(socket: Socket, credentials: { user: string; pass: string }, mails: ReceivedMail[]): void {
  const say = (line: string) => socket.write(`${line}\r\n`);
  let buffer = '';
  let mode: 'command' | 'data' | 'auth-user' | 'auth-pass' = 'command';
  let user: string | undefined;
  let pendingUser = '';
  let envelope: { from?: string; to: string[] } = { to: [] };
  let data: string[] = [];

  const login = (name: string, pass: string) => {
    if (name === credentials.user && pass === credentials.pass) {
      user = name;
      say('235 2.7.0 Authentication successful');
    } else say('535 5.7.8 Authentication credentials invalid');
  };

  const command = (line: string) => {
    const verb = line.split(' ')[0]!.toUpperCase();
    if (verb === 'EHLO') return say('250-stand-in.local\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8');
    if (verb === 'HELO') return say('250 stand-in.local');
    if (verb === 'AUTH') {
      const [, mechanism, initial] = line.split(' ');
      if (mechanism?.toUpperCase() === 'PLAIN') {
        const [, name = '', pass = ''] = Buffer.from(initial ?? '', 'base64')
          .toString('utf8')
          .split('\0');
        return login(name, pass);
      }
      if (mechanism?.toUpperCase() === 'LOGIN') {
        mode = 'auth-user';
        return say('334 VXNlcm5hbWU6');
      }
      return say('504 5.5.4 Unrecognized authentication type');
    }
    if (verb === 'MAIL') {
      if (!user) return say('530 5.7.0 Authentication required');
      envelope = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [] };
      return say('250 2.1.0 OK');
    }
    if (verb === 'RCPT') {
      const to = /<([^>]*)>/.exec(line)?.[1] ?? '';
      if (to.startsWith('busy@')) return say('451 4.3.0 Mailbox temporarily unavailable, try again later');
      if (to.startsWith('nobody@')) return say(`550 5.1.1 <${to}>: Recipient address rejected: User unknown`);
      envelope.to.push(to);
      return say('250 2.1.5 OK');
    }
    if (verb === 'DATA') {
      if (envelope.to.length === 0) return say('554 5.5.1 No valid recipients');
      mode = 'data';
      data = [];
      return say('354 End data with <CR><LF>.<CR><LF>');
    }
    if (verb === 'RSET') {
      envelope = { to: [] };
      return say('250 2.0.0 OK');
    }
    if (verb === 'NOOP') return say('250 2.0.0 OK');
    if (verb === 'QUIT') {
      say('221 2.0.0 Bye');
      return socket.end();
    }
    return say('502 5.5.2 Command not recognized');
  };

  const onLine = (line: string) => {
    if (mode === 'data') {
      if (line === '.') {
        mode = 'command';
        mails.push({ from: envelope.from ?? '', to: envelope.to, data: data.join('\r\n'), ...(user && { user }) });
        return say(`250 2.0.0 Ok: queued as Q${mails.length}`);
      }
      data.push(line.startsWith('..') ? line.slice(1) : line);
      return;
    }
    if (mode === 'auth-user') {
      pendingUser = Buffer.from(line, 'base64').toString('utf8');
      mode = 'auth-pass';
      return say('334 UGFzc3dvcmQ6');
    }
    if (mode === 'auth-pass') {
      mode = 'command';
      return login(pendingUser, Buffer.from(line, 'base64').toString('utf8'));
    }
    command(line);
  };

  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      onLine(line);
    }
  });
  socket.on('error', () => socket.destroy());
  say('220 stand-in.local ESMTP');
}

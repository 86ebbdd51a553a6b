/**
 * Conversations waiting for a person, known app-wide: the tab title shows how many ("(3)
 * Switchboard"), a browser notification (once the person allowed them, from a button) and an
 * optional sound announce each newly waiting one, and the inbox shows unread counts. One store for
 * the whole app, refreshed on live inbox events and every minute.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../api/client';
import type { WaitingForPerson } from '../api/types';
import { subscribeStream } from '../lib/stream';

const TITLE = 'Switchboard';
const SOUND_KEY = 'switchboard:waiting-sound';
const REFRESH_MS = 60_000;

interface WaitingState {
  count: number;
  unread: Map<string, number>;
  sound: boolean;
  permission: NotificationPermission | 'unsupported';
}

let state: WaitingState = {
  count: 0,
  unread: new Map(),
  sound: readSound(),
  permission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
};
const listeners = new Set<() => void>();
/** Ids already announced (or present at the first load): each conversation is announced once. */
let known: Set<string> | null = null;

function set(next: Partial<WaitingState>) {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

function readSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

export function useWaiting(): WaitingState {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => state,
  );
}

export function setWaitingSound(on: boolean) {
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    /* private mode: the choice lasts this visit */
  }
  set({ sound: on });
  if (on) chime();
}

/** Asks for permission to notify: only ever from a person's click, never on load. */
export async function enableNotifications(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  set({ permission: await Notification.requestPermission() });
}

export async function refreshWaiting(): Promise<void> {
  let waiting: WaitingForPerson;
  try {
    waiting = await api.get<WaitingForPerson>('/api/inbox/waiting');
  } catch {
    return; // signed out or offline: the next refresh tries again
  }
  const fresh = known ? waiting.conversations.filter((c) => !known!.has(c.id)) : [];
  known = new Set(waiting.conversations.map((c) => c.id));
  set({ count: waiting.count, unread: new Map(waiting.conversations.map((c) => [c.id, c.unread])) });
  document.title = waiting.count ? `(${waiting.count}) ${TITLE}` : TITLE;
  if (fresh.length) announce(fresh);
}

function announce(fresh: WaitingForPerson['conversations']) {
  if (state.sound) chime();
  if (state.permission !== 'granted' || typeof Notification === 'undefined') return;
  for (const c of fresh.slice(0, 3)) {
    const notification = new Notification(`${c.contactName ?? 'A customer'} is waiting for a person`, {
      body: 'No flow answered. Open the inbox to reply.',
      tag: `waiting-${c.id}`,
    });
    notification.onclick = () => {
      window.focus();
      window.location.assign(`/inbox/${c.id}`);
    };
  }
}

/** A short two-note chime made on the spot: no sound file to load. */
function chime() {
  try {
    const audio = new AudioContext();
    [660, 880].forEach((hz, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.15, audio.currentTime + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.15 + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + i * 0.15);
      osc.stop(audio.currentTime + i * 0.15 + 0.3);
    });
    setTimeout(() => void audio.close(), 1_000);
  } catch {
    /* no audio device: the title and notification still tell */
  }
}

/** Mounted once for a signed-in person: keeps the store fresh. */
export function useWaitingAlerts(): void {
  useEffect(() => {
    void refreshWaiting();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribeStream(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void refreshWaiting(), 300);
    });
    const interval = setInterval(() => void refreshWaiting(), REFRESH_MS);
    return () => {
      unsubscribe();
      clearTimeout(timer);
      clearInterval(interval);
      document.title = TITLE;
      known = null;
    };
  }, []);
}

/** Renders nothing: mounts useWaitingAlerts where a component is easier to place than a hook. */
export function WaitingAlerts(): null {
  useWaitingAlerts();
  return null;
}

/** The signed-in user and workspace, loaded once and shared by every screen. */
import { createContext, useContext } from 'react';
import type { Me } from '../api/types';

export interface Session {
  me: Me;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside of a signed-in screen');
  return session;
}

/**
 * One value in Web Storage. Storage can throw (Safari with storage blocked, sandboxed
 * iframes, quota): the value then lives for this page view only.
 */
export function stored(key: string, area: () => Storage = () => localStorage) {
  let memory: string | null = null;
  return {
    get(): string | null {
      try {
        return area().getItem(key) ?? memory;
      } catch {
        return memory;
      }
    },
    set(value: string | null): void {
      memory = value;
      try {
        if (value) area().setItem(key, value);
        else area().removeItem(key);
      } catch {
        // memory fallback above
      }
    },
  };
}

export type Stored = ReturnType<typeof stored>;

import 'vitest';
export const TEMPLATE_DATABASE = 'switchboard_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Maintenance URL of the test run's Postgres server. */
    pgServerUrl: string;
  }
}

import { createContext, useContext } from 'react';
import type { Channel, Member, Team } from '../../api/types';
import type { FlowIssue, NodeDefinition } from '../../flow';

export interface Lookups {
  channels: Channel[];
  members: Member[];
  teams: Team[];
  tags: string[];
}

export interface FormContextValue {
  hints: NonNullable<NodeDefinition['fields']>;
  issues: FlowIssue[];
  lookups: Lookups;
  /** Placeholders offered by the variable picker, e.g. `contact.first_name`. */
  variables: string[];
}

export const FormContext = createContext<FormContextValue>({
  hints: {},
  issues: [],
  lookups: { channels: [], members: [], teams: [], tags: [] },
  variables: [],
});

export const useFormContext = () => useContext(FormContext);

/** Issues about a field or anything inside it (`cases.0` covers `cases.0.values`). */
export function issuesAt(issues: FlowIssue[], path: string): FlowIssue[] {
  return issues.filter((i) => i.field === path || (!!i.field && i.field.startsWith(`${path}.`)));
}

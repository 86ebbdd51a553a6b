import { MetaPageConfig } from '../meta/config';

export const MessengerConfig = MetaPageConfig;
export type MessengerConfig = MetaPageConfig;

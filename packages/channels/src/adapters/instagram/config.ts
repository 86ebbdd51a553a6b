import { MetaPageConfig } from '../meta/config';

export const InstagramConfig = MetaPageConfig;
export type InstagramConfig = MetaPageConfig;

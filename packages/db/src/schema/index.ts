export * from './tenancy';
export * from './inbox';
export * from './flows';
export * from './operations';
export * from './credentials';
export * from './accounts';
export * from './widget-presence';
export * from './crm-pushes';

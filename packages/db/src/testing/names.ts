export const TEMPLATE_DATABASE = 'switchboard_test_template';

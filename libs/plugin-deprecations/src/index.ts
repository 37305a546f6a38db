/**
 * @active-tracker/plugin-deprecations: records the first and latest use of deprecated endpoints.
 * Written only against the public API of @active-tracker/nestjs (the worked example of
 * docs/writing-plugins.md).
 */
export { Deprecated, DEPRECATED_METADATA, deprecatedDeclarationProblems, normalizeDeprecation } from './deprecated.decorator.js';
export type { DeprecatedOptions, DeprecationMetadata } from './deprecated.decorator.js';
export { DeprecatedHandlers } from './deprecated-handlers.js';
export type { DeprecatedHandler } from './deprecated-handlers.js';
export { DEPRECATION_COUNTER, DEPRECATION_ENTRY_TYPE, deprecationKey } from './deprecation-entry.js';
export type { DeprecationEntryContent, DeprecationKind } from './deprecation-entry.js';
export { DeprecationsPlugin, deprecations } from './deprecations.plugin.js';
export type { DeprecationClientResolver, DeprecationReport, DeprecationReportRow, DeprecationsPluginOptions } from './deprecations.plugin.js';
export { DEPRECATIONS_ICON, DEPRECATIONS_NAV, DEPRECATIONS_VIEW } from './deprecations.view.js';
export { DeprecationsReportQueryDto } from './report-query.dto.js';

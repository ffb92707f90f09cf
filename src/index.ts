/** kedro-consent as a library: the same answers the `telemetry` CLI gives, as typed functions. */
export {audit, type AuditOptions, auditProject, type AuditReport, discoverProjects, type ProjectAudit} from './audit/audit.js'
export {CHECKS, type CheckResult, type CheckStatus} from './audit/checks/index.js'
export {type CapturedRequest, captureKedro, type CaptureOptions, type CaptureResult} from './capture/capture.js'
export {compareWithPreview, type Comparison, type FieldDifference} from './capture/compare.js'
export {guardCommit, type GuardOptions, type GuardReport} from './audit/guard.js'
export {
  type CodeQualityIssue, type SarifLog, type SarifResult, type SarifRule, type SarifRun, toCodeQuality, toJunit, toMarkdown, toSarif,
} from './render/audit-formats.js'
export {kedroDetectsCi, type KedroCiDetection, KEDRO_CI_VARIABLES, type WideCiDetection, wideDetectsCi} from './ci/detect.js'
export {
  applyConsentChange, changeConsent, type ChangeOptions, type ChangeResult, type ConsentPlan, planConsentChange, type RevokeResult,
} from './consent/change.js'
export {type ConsentEdit, editConsent, type EditRefusal, type EditRefusalCode} from './consent/edit.js'
export {erasureStatement} from './consent/erasure.js'
export {safeLoad, type SafeLoadResult} from './python/pyyaml.js'
export {
  type ConsentDecision, type ConsentInput, consentModel, type ConsentModel, type ConsentSource, type DecidedBy, resolveConsent,
} from './consent/rules.js'
export {type Interpretation, interpretTelemetryBytes} from './consent/interpret.js'
export {readTelemetryFile, TELEMETRY_FILE_NAME, type TelemetryFileReading} from './consent/telemetry-file.js'
export {type ErrorReport, EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, InputError} from './errors.js'
export {commitWrites, type CommitResult, writeFileAtomic, type Write} from './fs/transaction.js'
export {type DecisionRecord, historyFile, type HistoryReading, readHistory} from './history/history.js'
export {hashedProjectId, kedroHash} from './identity/hash.js'
export {kedroConfigDir, kedroUserIdPath, normaliseUuid, readUserId, type UserIdReading} from './identity/user-id.js'
export {
  commandProperties, MASK, maskKedroArgs, MaskingError, maskingRulesFor, type MaskingRules, maskWithStructure,
  passesThrough, structureFor,
} from './masking/masking.js'
export {buildNotice, type Notice, type NoticeField} from './notice/notice.js'
export {type EnvironmentSource, findPythonEnvironment, type PythonEnvironment} from './project/environment.js'
export {readPyproject} from './project/pyproject.js'
export {findProjectRoot, isKedroProject} from './project/root.js'
export {detectVersions, LATEST_KNOWN_KEDRO_VERSION, LATEST_KNOWN_TELEMETRY_VERSION} from './project/versions.js'
export {kedro, type KedroRelease, NEWEST_KNOWN, telemetry, telemetryReleasesWith, type TelemetryRelease} from './releases/releases.js'
export {
  type PolicyEvaluation, type PolicyRule, type PolicyRuleResult, evaluatePolicy,
} from './policy/evaluate.js'
export {findPolicyFile, POLICY_FILE_NAME} from './policy/find.js'
export {
  enforcePolicy, type EnforceChange, type EnforceOptions, type EnforceReport, type ProjectEnforcement,
} from './enforce/enforce.js'
export {applyLevels} from './policy/levels.js'
export {isExcluded} from './policy/exclude.js'
export {policyReader} from './policy/load.js'
export {type CheckLevel, type CiRequirement, type ConsentRequirement, type Policy, type PolicyChoice} from './policy/policy.js'
export {readPolicy} from './policy/read.js'
export {POLICY_SCHEMA} from './policy/schema.js'
export {inspectStatus, type StatusOptions, type StatusReport} from './status/status.js'
export {
  buildTelemetryRequests, formatTools, type PluginEvent, type PreviewOptions, type PreviewResult, type TelemetryBody,
  type TelemetryRequest,
} from './request/request.js'
export {pythonJsonDumps} from './python/json-dumps.js'
export {type AuditFormat, type AuditReportOptions, formatAuditReport, REPORT_FORMATS, type ReportFormat, reportFormat} from './render/report-formats.js'
export {type CatalogEntry, type CatalogOptions, type CatalogReading, readCatalog} from './statistics/catalog.js'
export {type PipelineReading, readPipelines} from './statistics/pipelines.js'
export {readStatistics, type StatisticsOptions, type StatisticsReading} from './statistics/statistics.js'
export {compareVersions} from './python/pep440.js'
export {kedroTimestamp} from './python/datetime.js'
export {BODY_FIELDS, type BodyField, bodyField} from './request/fields.js'

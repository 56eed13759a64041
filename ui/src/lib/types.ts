/**
 * THE COMMAND CONTRACT between this UI and the Tauri shell (src-tauri/).
 *
 * Every shape crossing IPC is generated from the Rust types (ts-rs, ../bindings), so the UI
 * and the shell cannot disagree: `make test` regenerates them and fails when they are stale,
 * and the type check fails when the UI uses them wrongly. Every command rejects with an
 * ErrorInfo. Documented in ui/README.md ("Command contract").
 */
import type { PracticeToken } from "../bindings/PracticeToken";

export type { AuthMethods } from "../bindings/AuthMethods";
export type { Certificate } from "../bindings/Certificate";
export type { ConnectionCheck } from "../bindings/ConnectionCheck";
export type { Device } from "../bindings/Device";
export type { ErrorInfo } from "../bindings/ErrorInfo";
export type { ErrorKind } from "../bindings/ErrorKind";
export type { Field } from "../bindings/Field";
export type { NewToken } from "../bindings/NewToken";
export type { Operation } from "../bindings/Operation";
export type { Outcome } from "../bindings/Outcome";
export type { Profile } from "../bindings/Profile";
export type { ProfileDraft } from "../bindings/ProfileDraft";
// A file chosen in the dialog the shell opens (commands/dialog.rs): a handle, never a path.
export type { ChosenFile } from "../bindings/ChosenFile";
export type { CaFileChoice } from "../bindings/CaFileChoice";
export type { RegisterTokenRequest } from "../bindings/RegisterTokenRequest";
export type { SyncTokenRequest } from "../bindings/SyncTokenRequest";
export type { TokenMethod } from "../bindings/TokenMethod";
export type { TokenKind } from "../bindings/TokenKind";
export type { TokenStatus } from "../bindings/TokenStatus";
export type { UserRequest } from "../bindings/UserRequest";
export type { Backend } from "../bindings/Backend";

// SecurID Cloud (core's securid module and the shell's commands/securid.rs).
export type { LookupBy } from "../bindings/LookupBy";
export type { LookupUserRequest } from "../bindings/LookupUserRequest";
export type { MethodLocks } from "../bindings/MethodLocks";
export type { SecurIdProfileDraft } from "../bindings/SecurIdProfileDraft";
export type { SecurIdUser } from "../bindings/SecurIdUser";
export type { UnlockMethod } from "../bindings/UnlockMethod";
export type { UnlockMethodsRequest } from "../bindings/UnlockMethodsRequest";
export type { UnlockReport } from "../bindings/UnlockReport";
export type { PracticeSecurIdUser } from "../bindings/PracticeSecurIdUser";

// The audit log (core's audit module): what the Activity view reads and filters.
export type { AuditEntry } from "../bindings/AuditEntry";
export type { AuditError } from "../bindings/AuditError";
export type { AuditFilter } from "../bindings/AuditFilter";
export type { AuditOutcome } from "../bindings/AuditOutcome";

// Generated from the Rust shell and core (ts-rs), so the contract cannot drift.
export type { LoginAttempt } from "../bindings/LoginAttempt";
export type { PracticeCodes } from "../bindings/PracticeCodes";
export type { PracticePhone } from "../bindings/PracticePhone";
export type { PracticeStatus } from "../bindings/PracticeStatus";
export type { PracticeToken } from "../bindings/PracticeToken";
export type { PracticeUser } from "../bindings/PracticeUser";
export type { ProfileSummary } from "../bindings/ProfileSummary";
export type { RateLimitNotice } from "../bindings/RateLimitNotice";
export type { Secrets } from "../bindings/Secrets";

// CENTAGATE sign-in (core's sign_in module and the shell's commands/sign_in.rs).
export type { PracticeSignIn } from "../bindings/PracticeSignIn";
export type { SessionStatus } from "../bindings/SessionStatus";
export type { SignedIn } from "../bindings/SignedIn";
export type { SignedOut } from "../bindings/SignedOut";
export type { SignInFactor } from "../bindings/SignInFactor";
export type { SignInProgress } from "../bindings/SignInProgress";
export type { SmsCodeSent } from "../bindings/SmsCodeSent";

// Help desk (core's ops, confirm and audit::case; the shell's commands/helpdesk.rs).
export type { Authenticator } from "../bindings/Authenticator";
export type { Case } from "../bindings/Case";
export type { CaseFlow } from "../bindings/CaseFlow";
export type { CaseStep } from "../bindings/CaseStep";
export type { ChangeRequest } from "../bindings/ChangeRequest";
export type { CloseCaseRequest } from "../bindings/CloseCaseRequest";
export type { ConfirmIdentityRequest } from "../bindings/ConfirmIdentityRequest";
export type { EmergencyCode } from "../bindings/EmergencyCode";
export type { EmergencyCodeRequest } from "../bindings/EmergencyCodeRequest";
export type { HardwareToken } from "../bindings/HardwareToken";
export type { HardwareTokenRequest } from "../bindings/HardwareTokenRequest";
export type { IdentityCheck } from "../bindings/IdentityCheck";
export type { IssuedCode } from "../bindings/IssuedCode";
export type { OpenCaseRequest } from "../bindings/OpenCaseRequest";
export type { SecurIdMethods } from "../bindings/SecurIdMethods";
export type { SetTokenStatusRequest } from "../bindings/SetTokenStatusRequest";
export type { SettableState } from "../bindings/SettableState";
export type { TokenStateView } from "../bindings/TokenStateView";
export type { TokenType } from "../bindings/TokenType";
export type { UserTokenRequest } from "../bindings/UserTokenRequest";
export type { ValidityUnit } from "../bindings/ValidityUnit";
// Bulk jobs (core's bulk module and the shell's commands/bulk.rs).
export type { BulkCounts } from "../bindings/BulkCounts";
export type { BulkDryRun } from "../bindings/BulkDryRun";
export type { BulkEnd } from "../bindings/BulkEnd";
export type { BulkOperation } from "../bindings/BulkOperation";
export type { BulkOperationInfo } from "../bindings/BulkOperationInfo";
export type { BulkPreview } from "../bindings/BulkPreview";
export type { BulkProgress } from "../bindings/BulkProgress";
export type { BulkResults } from "../bindings/BulkResults";
/** A row of a job as the journal keeps it (core's RowRecord). */
export type { BulkRow } from "../bindings/BulkRow";
export type { BulkRowState } from "../bindings/BulkRowState";
export type { FailureGroup } from "../bindings/FailureGroup";
export type { JobStatus } from "../bindings/JobStatus";
export type { RowProblem } from "../bindings/RowProblem";

/** The practice server's own token states (tokendesk-sim's snake_case names). */
export type PracticeTokenStatus = PracticeToken["status"];

/**
 * Every command name of the contract: exactly the shell's list (src-tauri/src/command_list.rs);
 * src-tauri/tests/command_list.rs fails when the two differ.
 */
export type CommandName =
  | "list_profiles"
  | "save_profile"
  | "remove_profile"
  | "test_profile"
  | "save_securid_profile"
  | "choose_key_file"
  | "choose_ca_file"
  | "securid_lookup"
  | "securid_unlock"
  | "list_methods"
  | "register_token"
  | "sync_token"
  | "unlock_token"
  | "audit_entries"
  | "audit_export"
  | "audit_ticket"
  | "practice_status"
  | "practice_start"
  | "practice_stop"
  | "practice_users"
  | "practice_codes"
  | "practice_fail_login"
  | "practice_drift"
  | "practice_securid_users"
  | "practice_securid_lock"
  | "sign_in"
  | "sign_in_send_sms"
  | "sign_in_code"
  | "sign_in_cancel"
  | "sign_out"
  | "session_status"
  | "practice_sign_in"
  | "ui_ready"
  | "confirm_question"
  | "identity_checks_list"
  | "open_case"
  | "confirm_identity"
  | "close_case"
  | "unregister_token"
  | "token_status"
  | "set_token_status"
  | "unlock_user"
  | "set_user_enabled"
  | "securid_search"
  | "securid_set_user_enabled"
  | "securid_emergency_code"
  | "securid_methods"
  | "securid_lookup_token"
  | "securid_assign_token"
  | "securid_unlock_user"
  | "bulk_operations"
  | "bulk_choose_file"
  | "bulk_preview"
  | "bulk_dry_run"
  | "bulk_start"
  | "bulk_resume"
  | "bulk_cancel"
  | "bulk_unfinished"
  | "bulk_results"
  | "bulk_export";

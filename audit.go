package pinggu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one row of the hash-chained audit log (审计日志). Each row's
// Hash covers the previous row's hash and the row's own canonical content,
// so editing, deleting or reordering a row breaks the chain from there on.
type AuditEntry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     string    `json:"before,omitempty"` // JSON of the object before the change
	After      string    `json:"after,omitempty"`  // JSON of the object after the change
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// GenesisHash is the PrevHash of the first row.
var GenesisHash = strings.Repeat("0", 64)

// ComputeHash returns the hex SHA-256 of PrevHash, a newline and the
// canonical content: a JSON array of the other fields, the time in UTC with
// microseconds (the precision both databases keep).
func (e *AuditEntry) ComputeHash() string {
	content, _ := json.Marshal([]string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format("2006-01-02T15:04:05.000000Z"),
		strconv.FormatInt(e.ActorID, 10),
		e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Before, e.After,
	})
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte("\n"))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditBreak says where a chain stops being intact.
type AuditBreak struct {
	Seq    int64  // the first row that fails
	Reason string // "edited", "deleted", "reordered" or "inserted"
}

// VerifyAuditChain walks entries in stored order and returns the first break,
// or nil when the chain is whole.
func VerifyAuditChain(entries []AuditEntry) *AuditBreak {
	return VerifyAuditChainFrom(0, GenesisHash, entries)
}

// VerifyAuditChainFrom verifies entries that follow a row already known to
// be good, with sequence number prevSeq and hash prev.
func VerifyAuditChainFrom(prevSeq int64, prev string, entries []AuditEntry) *AuditBreak {
	for i := range entries {
		e := &entries[i]
		switch {
		case e.Seq <= prevSeq:
			return &AuditBreak{Seq: e.Seq, Reason: "reordered"}
		case e.PrevHash != prev && e.Seq != prevSeq+1:
			return &AuditBreak{Seq: e.Seq, Reason: "deleted"}
		case e.PrevHash != prev:
			return &AuditBreak{Seq: e.Seq, Reason: "inserted"}
		case e.ComputeHash() != e.Hash:
			return &AuditBreak{Seq: e.Seq, Reason: "edited"}
		case e.Seq != prevSeq+1:
			return &AuditBreak{Seq: e.Seq, Reason: "deleted"}
		}
		prev, prevSeq = e.Hash, e.Seq
	}
	return nil
}

// The actions the audit log records (审计日志), one name per kind of change;
// the audit page shows each in the user's language ("action.<name>").
const (
	ActionBallotReconcile    = "ballot.reconcile"
	ActionCampaignCreate     = "campaign.create"
	ActionCampaignTransition = "campaign.transition"
	ActionCampaignUpdate     = "campaign.update"
	ActionChecklistGrade     = "checklist.grade"
	ActionCodesIssue         = "codes.issue"
	ActionCodesVoid          = "codes.void"
	ActionDrawCreate         = "draw.create"
	ActionDrawReplace        = "draw.replace"
	ActionDrawVoid           = "draw.void"
	ActionFramesFreeze       = "frames.freeze"
	ActionFrameworkSave      = "framework.save"
	ActionGroupCreate        = "group.create"
	ActionCallAttempt        = "call.attempt"
	ActionPhoneReveal        = "phone.reveal"
	ActionSelfCheckSubmit    = "selfcheck.submit"
	ActionSelfCheckReview    = "selfcheck.review"
	ActionHearingSave        = "hearing.save"
	ActionFindingDelete      = "finding.delete"
	ActionFindingAdd         = "finding.add"
	ActionGroupUpdate        = "group.update"
	ActionPersonalView       = "personal.view"
	ActionRegistryExport     = "registry.export"
	ActionRegistryImport     = "registry.import"
	ActionReportBuild        = "report.build"
	ActionReportCreate       = "report.create"
	ActionReportDownload     = "report.download"
	ActionReportReview       = "report.review"
	ActionReportSave         = "report.save"
	ActionReportSubmit       = "report.submit"
	ActionResponsesExport    = "responses.export"
	ActionRosterFreeze       = "roster.freeze"
	ActionRosterPurge        = "roster.purge"
	ActionRosterUpload       = "roster.upload"
	ActionSeedCommit         = "seed.commit"
	ActionSeedReveal         = "seed.reveal"
	ActionSurveyKeysMoved    = "survey.keys_moved"
	ActionTokenCreate        = "token.create"
	ActionTokenRevoke        = "token.revoke"
	ActionUnitCreate         = "unit.create"
	ActionUnitUpdate         = "unit.update"
	ActionUserCreate         = "user.create"
	ActionUserPassword       = "user.password"
	ActionUserUpdate         = "user.update"
)

// AuditActions lists every action, for the catalogs' test.
var AuditActions = []string{
	ActionBallotReconcile,
	ActionCampaignCreate,
	ActionCampaignTransition,
	ActionCampaignUpdate,
	ActionChecklistGrade,
	ActionCodesIssue,
	ActionCodesVoid,
	ActionDrawCreate,
	ActionDrawReplace,
	ActionDrawVoid,
	ActionFramesFreeze,
	ActionFrameworkSave,
	ActionGroupCreate,
	ActionCallAttempt,
	ActionPhoneReveal,
	ActionSelfCheckSubmit,
	ActionSelfCheckReview,
	ActionHearingSave,
	ActionFindingDelete,
	ActionFindingAdd,
	ActionGroupUpdate,
	ActionPersonalView,
	ActionRegistryExport,
	ActionRegistryImport,
	ActionReportBuild,
	ActionReportCreate,
	ActionReportDownload,
	ActionReportReview,
	ActionReportSave,
	ActionReportSubmit,
	ActionResponsesExport,
	ActionRosterFreeze,
	ActionRosterPurge,
	ActionRosterUpload,
	ActionSeedCommit,
	ActionSeedReveal,
	ActionSurveyKeysMoved,
	ActionTokenCreate,
	ActionTokenRevoke,
	ActionUnitCreate,
	ActionUnitUpdate,
	ActionUserCreate,
	ActionUserPassword,
	ActionUserUpdate,
}

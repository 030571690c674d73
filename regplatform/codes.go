package regplatform

// Status is the platform's status of a pushed record, as result reads report
// it.
type Status string

// Statuses of pushed records.
const (
	// StatusPublishing is 发布中: an intention or notice awaits publication.
	StatusPublishing Status = "PUBLISHING"
	// StatusPublished is 发布成功.
	StatusPublished Status = "PUBLISHED"
	// StatusFailed is 发布失败; the result's fail_reason says why.
	StatusFailed Status = "FAILED"
	// StatusFiling is 备案中: a plan awaits filing.
	StatusFiling Status = "FILING"
	// StatusFiled is 备案成功.
	StatusFiled Status = "FILED"
	// StatusRejected is 备案失败; the result's fail_reason says why.
	StatusRejected Status = "REJECTED"
)

// Terminal reports whether the platform has decided the record: published,
// failed, filed or rejected.
func (s Status) Terminal() bool {
	switch s {
	case StatusPublished, StatusFailed, StatusFiled, StatusRejected:
		return true
	}
	return false
}

// Succeeded reports whether the platform published or filed the record.
func (s Status) Succeeded() bool { return s == StatusPublished || s == StatusFiled }

// ProcurementMethod is 采购方式 (§4.1).
type ProcurementMethod string

// Procurement methods.
const (
	MethodOpenTender        ProcurementMethod = "GKZB"  // 公开招标
	MethodInvitedTender     ProcurementMethod = "YQZB"  // 邀请招标
	MethodNegotiation       ProcurementMethod = "JZXTP" // 竞争性谈判
	MethodConsultation      ProcurementMethod = "JZXCS" // 竞争性磋商
	MethodInquiry           ProcurementMethod = "XJ"    // 询价
	MethodSingleSource      ProcurementMethod = "DYLY"  // 单一来源
	MethodFrameworkContract ProcurementMethod = "KJXY"  // 框架协议采购
	MethodOther             ProcurementMethod = "QT"    // 其他
)

// OrganizationForm is 组织形式 (§4.1).
type OrganizationForm string

// Organization forms.
const (
	FormGovernmentCentral OrganizationForm = "ZFJZCG" // 政府集中采购
	FormDepartmentCentral OrganizationForm = "BMJZCG" // 部门集中采购
	FormDecentralized     OrganizationForm = "FSCG"   // 分散采购
)

// BusinessType tells how a plan is executed on the platform.
type BusinessType string

// Business types.
const (
	// BusinessMall is 电子卖场: no bids; each award is an order.
	BusinessMall BusinessType = "MALL"
	// BusinessETrade is 电子化交易: announcements, bids and awards per package.
	BusinessETrade BusinessType = "ETRADE"
)

// ProjectStatus is the status of a plan's execution (2.8.1).
type ProjectStatus string

// Project statuses.
const (
	ProjectExecuting  ProjectStatus = "EXECUTING"  // 执行中
	ProjectCompleted  ProjectStatus = "COMPLETED"  // 已完成: every package closed
	ProjectTerminated ProjectStatus = "TERMINATED" // 已终止
)

// Done reports whether a results reader is done with the project.
func (s ProjectStatus) Done() bool { return s == ProjectCompleted || s == ProjectTerminated }

// PackageStatus is the status of one package (2.8.1).
type PackageStatus string

// Package statuses.
const (
	PackageInProgress PackageStatus = "IN_PROGRESS" // 进行中
	PackageAwarded    PackageStatus = "AWARDED"     // 已成交
	PackageAbandoned  PackageStatus = "ABANDONED"   // 已废止
	PackageFailed     PackageStatus = "FAILED"      // 流标
)

// AnnouncementType is the kind of a 2.8.2 announcement.
type AnnouncementType string

// Announcement types.
const (
	AnnouncementTender      AnnouncementType = "TENDER"      // 采购公告
	AnnouncementCorrection  AnnouncementType = "CORRECTION"  // 更正公告
	AnnouncementResult      AnnouncementType = "RESULT"      // 中标(成交)结果公告
	AnnouncementTermination AnnouncementType = "TERMINATION" // 终止公告
	AnnouncementOther       AnnouncementType = "OTHER"       // 其他
)

// Receipt is the platform's answer to an accepted push (2.5.1, 2.6.2, 2.7.1).
// A duplicate push of the same revision and body returns the original receipt
// with Duplicate set and the record's current Status.
type Receipt struct {
	ReceiptID  string `json:"receipt_id"`
	Status     Status `json:"status"`
	AcceptedAt Time   `json:"accepted_at"`
	Duplicate  bool   `json:"duplicate"`
}

// Flow names one of the platform's push flows. It is also the first part of
// every idempotency key.
type Flow string

// Push flows.
const (
	FlowIntention    Flow = "intention"     // 采购意向, 2.5.x
	FlowSingleSource Flow = "single_source" // 单一来源, 2.6.x
	FlowPlan         Flow = "plan"          // 计划备案, 2.7.x
)

// MaxResultIDs is the most source_ids one result read may carry.
const MaxResultIDs = 50

// MaxBodyBytes is the largest request body the platform takes (8 MiB).
const MaxBodyBytes = 8 << 20
